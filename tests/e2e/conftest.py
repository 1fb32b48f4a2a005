"""Browser journeys use the night-school fixtures too."""
from tests.nightschool.conftest import make_session, make_term  # noqa: F401 (fixtures)
