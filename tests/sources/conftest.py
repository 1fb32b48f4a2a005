"""Fixtures for source texts: the synthetic regulation written for these tests, loaded or not."""
from pathlib import Path

import pytest

from trainer.org.models import Role

DATA = Path(__file__).parent / "data"
TITLE = "活动场所管理条例（测试用虚构文本）"
SHORT = "活动场所管理条例"


@pytest.fixture
def synthetic_text() -> str:
    return (DATA / "synthetic.txt").read_text(encoding="utf-8")


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.admin, name="周管理")


@pytest.fixture
def load(app, admin_user):
    """load(text, slug="act", **meta) -> the SourceDocument, loaded by an admin through the service."""
    from trainer.sources import service

    def do(text: str, slug: str = "act", **meta):
        doc, _revision = service.load_source(admin_user, text, service.SourceMeta(slug=slug, **meta), "测试.txt")
        return doc

    return do


@pytest.fixture
def loaded(load, synthetic_text):
    return load(synthetic_text, version_label="测试版")


@pytest.fixture
def admin(login_as, admin_user):
    return login_as(user=admin_user)


def revised(text: str) -> str:
    """The synthetic text with 第八条 changed (三十日 -> 十五日) and 第十五条 removed."""
    out = text.replace("应当自变更之日起三十日内", "应当自变更之日起十五日内")
    return out.replace("第五章　附　　则\n\n第十五条　本条例自2030年1月1日起施行。\n", "")
