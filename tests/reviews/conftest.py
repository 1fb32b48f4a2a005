"""Review tests use mentoring teams to give mentees a mentor."""
from tests.mentoring.conftest import make_team  # noqa: F401
