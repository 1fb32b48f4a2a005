"""Report pages: who may see them, what mentors see, exports, flagged questions' edit links, query counts."""
import io
import re

import pytest
from openpyxl import load_workbook

from trainer.extensions import db
from trainer.org.models import User


def pages(sitting, person_id):
    e = sitting.exam.id
    return ["/reports", f"/reports/exams/{e}", f"/reports/exams/{e}/items", "/reports/items", "/reports/items?flagged=1",
            "/reports/articles", "/reports/articles?range=month", "/reports/cadres", f"/reports/cadres/{person_id}",
            "/reports/units"]


def exports(sitting, person_id):
    e = sitting.exam.id
    return ["/reports/exams.xlsx", f"/reports/exams/{e}.xlsx", f"/reports/exams/{e}/items.xlsx", "/reports/items.xlsx",
            "/reports/articles.xlsx", f"/reports/cadres/{person_id}.xlsx", "/reports/units.xlsx"]


def test_admin_sees_every_page(login_as, make_sitting):
    """Do all report pages and exports open for an admin?"""
    s = make_sitting(people=12)
    admin = login_as("admin")
    for url in pages(s, s.people[0].id) + exports(s, s.people[0].id):
        resp = admin.get(url)
        assert resp.status_code == 200, url
    assert "统计报表" in admin.get("/").get_data(as_text=True)


def test_cadre_refused_everywhere(login_as, make_sitting):
    """Is a cadre refused (403) on every report page and export, and never offered the menu entry?"""
    s = make_sitting(people=4)
    cadre = login_as("cadre", user=s.people[0])
    for url in pages(s, s.people[0].id) + exports(s, s.people[0].id):
        assert cadre.get(url).status_code == 403, url
    assert "统计报表" not in cadre.get("/").get_data(as_text=True)


def test_anonymous_sent_to_sign_in(client):
    """Does an anonymous visitor go to the sign-in page?"""
    resp = client.get("/reports")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_mentor_sees_only_own_unit(login_as, make_sitting, make_user):
    """Does a mentor see their unit's people only, and get 404 for a cadre of another unit?"""
    s = make_sitting(people=12, units=2)
    mine, other = s.units
    mentor = login_as("mentor", unit=mine)
    html = mentor.get(f"/reports/exams/{s.exam.id}").get_data(as_text=True)
    assert "导师只能查看本单位的数据" in html
    assert other.name not in html
    in_unit = next(p for p in s.people if p.unit_id == mine.id)
    out_unit = next(p for p in s.people if p.unit_id == other.id)
    assert mentor.get(f"/reports/cadres/{in_unit.id}").status_code == 200
    assert mentor.get(f"/reports/cadres/{out_unit.id}").status_code == 404
    assert mentor.get(f"/reports/cadres/{out_unit.id}.xlsx").status_code == 404
    listing = mentor.get("/reports/cadres").get_data(as_text=True)
    assert in_unit.name in listing and out_unit.name not in listing
    admin = make_user("admin", unit=mine)
    assert mentor.get(f"/reports/cadres/{admin.id}").status_code == 404


def test_mentor_has_no_edit_links(login_as, make_sitting):
    """Are the edit links of flagged questions shown to admins only (mentors cannot edit banks)?"""
    s = make_sitting(people=30, seed=5, easy=1)
    mentor = login_as("mentor", unit=s.units[0])
    assert "/edit" not in mentor.get("/reports/items").get_data(as_text=True)


def test_flagged_questions_link_to_their_edit_page(login_as, make_sitting):
    """Does every flagged question link to the banks' edit page, and does that page open?"""
    s = make_sitting(people=30, seed=5, easy=1)
    admin = login_as("admin")
    html = admin.get("/reports/items?flagged=1").get_data(as_text=True)
    links = set(re.findall(r'href="(/admin/questions/\d+/edit)"', html))
    assert links, "the fixture should produce flagged questions"
    from trainer.reports import service

    _, flagged = service.all_items(service.Scope(None, ""))
    assert len(links) == flagged
    for link in links:
        assert admin.get(link).status_code == 200
    exam_html = admin.get(f"/reports/exams/{s.exam.id}/items").get_data(as_text=True)
    assert set(re.findall(r'href="(/admin/questions/\d+/edit)"', exam_html)) == links


def test_exports_escape_formulas(login_as, make_sitting):
    """Are names that look like formulas written as text in every export?"""
    s = make_sitting(people=6, skip=2)
    person = s.people[-1]  # has not sat the exam: listed by name in the export
    db.session.get(User, person.id).name = '=HYPERLINK("http://x")'
    db.session.commit()
    admin = login_as("admin")
    for url in exports(s, person.id):
        resp = admin.get(url)
        assert resp.status_code == 200
        for ws in load_workbook(io.BytesIO(resp.data), read_only=True).worksheets:
            for row in ws.iter_rows(values_only=True):
                for cell in row:
                    assert not (isinstance(cell, str) and cell.startswith("=")), (url, cell)


def test_planted_html_is_text(login_as, make_sitting):
    """Are stems and names shown as text on the report pages?"""
    s = make_sitting(people=6)
    from trainer.banks.models import QuestionVersion

    db.session.get(QuestionVersion, s.versions[0].id).stem = "<script>pwn()</script>"
    db.session.get(User, s.people[0].id).name = "<b>x</b>"
    db.session.commit()
    admin = login_as("admin")
    for url in pages(s, s.people[0].id):
        html = admin.get(url).get_data(as_text=True)
        assert "<script>pwn()" not in html and "<b>x</b>" not in html


def _warm_count(client, url, count_queries) -> int:
    assert client.get(url).status_code == 200
    with count_queries() as n:
        assert client.get(url).status_code == 200
    return n()


@pytest.mark.parametrize("page", ["/reports", "exam", "exam_items", "/reports/items", "/reports/articles",
                                  "/reports/cadres", "cadre", "/reports/units", "/"])
def test_query_count_does_not_grow(page, login_as, make_sitting, make_unit, count_queries, db):
    """Does a page run as many queries for 30 people in 6 units as for 6 people in 2?"""
    from tests.conftest import _empty_tables

    counts = []
    for people, units in ((6, 2), (30, 6)):
        s = make_sitting(people=people, units=units, seed=people)
        admin = login_as("admin")
        url = {"exam": f"/reports/exams/{s.exam.id}", "exam_items": f"/reports/exams/{s.exam.id}/items",
               "cadre": f"/reports/cadres/{s.people[0].id}"}.get(page, page)
        counts.append(_warm_count(admin, url, count_queries))
        db.session.remove()
        _empty_tables()
    assert counts[0] == counts[1]
