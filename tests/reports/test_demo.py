"""The reports on the seeded demo: every page opens with real data for an admin and a mentor."""
import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import sign_in
from trainer.extensions import db


def crawl(client, start="/reports", limit=200):
    """Follow every /reports link (and the exports) from start; returns {url: status}."""
    seen, queue = {}, [start]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        resp = client.get(url)
        seen[url] = resp.status_code
        if "text/html" not in resp.headers.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"]+)"', resp.get_data(as_text=True)):
            href = href.replace("&amp;", "&")
            path = urlsplit(href).path
            if path.startswith("/reports") and href not in seen and (
                    not re.search(r"/cadres/\d+", path) or sum("/cadres/" in u for u in seen) < 5):
                queue.append(href)
    return seen


@pytest.mark.slow
def test_reports_on_the_demo(app):
    """Do all report pages render with demo data for admin and mentor1, with flagged questions linked to their
    edit page, heat-map cells linked to the article reader, and the home panel shown?"""
    from trainer.demo.service import seed_demo
    from trainer.org.models import User

    seed_demo(echo=lambda *_: None)
    admin = sign_in(app.test_client(), db.session.query(User).filter_by(username="admin").one())
    statuses = crawl(admin)
    assert statuses and all(s == 200 for s in statuses.values()), {u: s for u, s in statuses.items() if s != 200}
    for kind in ("/reports/exams/", "/items", "/reports/articles", "/reports/cadres/", "/reports/units", ".xlsx"):
        assert any(kind in u for u in statuses), kind

    exam_pages = [admin.get(u).get_data(as_text=True) for u in statuses if re.fullmatch(r"/reports/exams/\d+", u)]
    assert any("<svg" in html and "chart-histogram" in html for html in exam_pages)

    flagged = admin.get("/reports/items?flagged=1").get_data(as_text=True)
    edits = re.findall(r'href="(/admin/questions/\d+/edit)"', flagged)
    assert edits, "the demo's item analysis should flag some questions"
    assert admin.get(edits[0]).status_code == 200

    heat = admin.get("/reports/articles").get_data(as_text=True)
    readers = re.findall(r'href="(/sources/[^"/]+/\d+)"', heat)
    assert readers and admin.get(readers[0]).status_code == 200
    assert "heat-cell" in heat

    home = admin.get("/").get_data(as_text=True)
    assert "本月最薄弱的条款" in home

    mentor = sign_in(app.test_client(), db.session.query(User).filter_by(username="mentor1").one())
    statuses = crawl(mentor)
    assert all(s == 200 for s in statuses.values()), {u: s for u, s in statuses.items() if s != 200}
    assert "导师只能查看本单位的数据" in mentor.get("/reports").get_data(as_text=True)
