"""Report figures from SQL, checked against the pure functions on a small exam whose every answer is known."""
import pytest

from trainer.exams.models import Attempt, AttemptItem
from trainer.extensions import db
from trainer.reports import analysis, service
from trainer.reports.models import ReportExamStamp, ReportItemStat

EVERYONE = service.Scope(None, "全部单位")


def expected_stats(sitting, attempt_ids=None) -> dict[int, analysis.ItemStats]:
    ids = sorted(attempt_ids or sitting.answers)
    totals = [sitting.percent[a] for a in ids]
    out = {}
    for v in sitting.versions:
        right = [sitting.answers[a][v.id][0] for a in ids]
        out[v.id] = analysis.item_stats(right, totals, ids)
    return out


def test_item_analysis_matches_pure_functions(make_sitting):
    """Do facility, upper/lower counts, D and the point-biserial from SQL equal the pure computation?"""
    sitting = make_sitting(people=23, units=3, seed=7)
    rows = {r.version.id: r.stats for r in service.item_analysis(sitting.exam, EVERYONE)}
    want = expected_stats(sitting)
    assert set(rows) == set(want)
    for vid, exp in want.items():
        got = rows[vid]
        assert (got.n, got.right, got.upper_n, got.upper_right, got.lower_n, got.lower_right) == (
            exp.n, exp.right, exp.upper_n, exp.upper_right, exp.lower_n, exp.lower_right)
        assert got.sum_right == pytest.approx(exp.sum_right)
        assert got.sumsq_all == pytest.approx(exp.sumsq_all)
        assert got.discrimination == pytest.approx(exp.discrimination)
        if exp.point_biserial is None:
            assert got.point_biserial is None
        else:
            assert got.point_biserial == pytest.approx(exp.point_biserial)


def test_option_counts_match_answers(make_sitting):
    """Is each option counted as often as it was chosen?"""
    sitting = make_sitting(people=10, seed=3)
    rows = {r.version.id: r for r in service.item_analysis(sitting.exam, EVERYONE)}
    for v in sitting.versions:
        pairs = [(resp, 1) for marks in sitting.answers.values() for vid, (_, resp) in marks.items() if vid == v.id]
        assert rows[v.id].stats.options == analysis.option_counts(pairs, v.type)
        shares = rows[v.id].option_shares
        assert sum(n for _, n, _, _ in shares) >= 10 if v.type != "multiple" else True
        assert any(ok for *_, ok in shares)


def test_exam_report_figures(make_sitting):
    """Do participation, pass rate, mean, median and histogram equal what the answers give?"""
    sitting = make_sitting(people=15, units=2, seed=11, skip=3)
    r = service.exam_report(sitting.exam, EVERYONE)
    pcts = list(sitting.percent.values())
    assert (r.taken, r.expected, r.missing) == (12, 15, 3)
    assert r.mean == pytest.approx(sum(pcts) / len(pcts))
    assert r.median == pytest.approx(analysis.median(pcts))
    assert r.histogram == analysis.histogram(pcts)
    passed = sum(1 for a in sitting.answers if db.session.get(Attempt, a).passed)
    assert r.passed == passed
    assert r.lowest == pytest.approx(min(pcts)) and r.highest == pytest.approx(max(pcts))
    assert {p.id for u in r.units for p in u.missing} == {p.id for p in sitting.people[12:]}
    assert sum(u.taken for u in r.units) == 12


def test_median_even_and_odd(make_sitting):
    """Is the SQL median right for an even number of attempts too?"""
    for people, seed in ((8, 5), (9, 5)):
        sitting = make_sitting(people=people, seed=seed)
        assert service.exam_report(sitting.exam, EVERYONE).median == pytest.approx(
            analysis.median(sitting.percent.values()))


def test_mentor_scope_limits_figures(make_sitting, make_user):
    """Does a mentor's scope count only their unit's people (groups still ranked over the whole exam)?"""
    sitting = make_sitting(people=12, units=2, seed=2)
    unit = sitting.units[0]
    mentor = make_user("mentor", unit=unit)
    scope = service.scope_for(mentor)
    r = service.exam_report(sitting.exam, scope)
    mine = [a for a, p in sitting.user_of.items() if p.unit_id == unit.id]
    assert r.taken == len(mine)
    assert [u.unit.id for u in r.units] == [unit.id]
    rows = service.item_analysis(sitting.exam, scope)
    assert all(row.stats.n == len(mine) for row in rows)


def test_aggregates_rebuilt_when_grades_change(make_sitting):
    """After a regrade changes a score, are the exam's aggregates rebuilt (and left alone otherwise)?"""
    sitting = make_sitting(people=10, seed=4)
    assert service.refresh([sitting.exam.id]) == 1
    assert service.refresh([sitting.exam.id]) == 0
    attempt_id = next(iter(sitting.answers))
    v = sitting.versions[0]
    item = db.session.query(AttemptItem).filter_by(attempt_id=attempt_id, version_id=v.id).one()
    was_right = item.score == 1.0
    item.score = 0.0 if was_right else 1.0
    a = db.session.get(Attempt, attempt_id)
    a.score += -1 if was_right else 1
    db.session.commit()
    rows = {r.version.id: r.stats for r in service.item_analysis(sitting.exam, EVERYONE)}
    total_right = sum(1 for marks in sitting.answers.values() if marks[v.id][0])
    assert rows[v.id].right == total_right + (-1 if was_right else 1)


def test_aggregates_dropped_when_no_attempt_counts(make_sitting):
    """When an exam no longer has counted attempts, are its aggregates and stamp removed?"""
    sitting = make_sitting(people=5, seed=4)
    service.refresh()
    db.session.query(Attempt).filter_by(exam_id=sitting.exam.id).update({"counted": False})
    db.session.commit()
    service.refresh()
    assert db.session.query(ReportItemStat).filter_by(exam_id=sitting.exam.id).count() == 0
    assert db.session.get(ReportExamStamp, sitting.exam.id) is None


def test_all_items_sum_over_exams(make_sitting, make_unit):
    """Across two exams on the same questions, are the answers summed per question and flags counted?"""
    units = [make_unit(), make_unit()]
    s1 = make_sitting(people=12, seed=1, unit_list=units)
    page, flagged = service.all_items(EVERYONE)
    assert page.total == len(s1.versions)
    assert all(r.stats.n == 12 for r in page.items)
    assert flagged == service.flagged_count() == sum(1 for r in page.items if r.flags)
    only, _ = service.all_items(EVERYONE, flagged_only=True)
    assert only.total == flagged


def test_article_mastery_cells(make_sitting):
    """Is each article's share the right answers over answers to the questions citing it, per unit?"""
    from trainer.banks.models import QuestionVersion

    sitting = make_sitting(people=10, units=2, seed=9)
    for v in sitting.versions:
        db.session.get(QuestionVersion, v.id).ref_document = "测试条例"
    db.session.commit()
    m = service.article_mastery(EVERYONE)
    assert m.rows and {u.id for u in m.units} == {u.id for u in sitting.units}
    for row in m.rows:
        cited = [v.id for v in sitting.versions if v.ref_article == row.number]
        marks = [(sitting.user_of[a].unit_id, marks[vid][0]) for a, marks in sitting.answers.items() for vid in cited]
        assert row.cells[None] == (len(marks), sum(r for _, r in marks))
        for u in sitting.units:
            mine = [r for uid, r in marks if uid == u.id]
            assert row.share(u.id) == pytest.approx(sum(mine) / len(mine))
        assert row.slug is None  # the document is not loaded: no reader link


def test_cadre_report(make_sitting):
    """Does a person's report list their counted attempts and a weekly series of the chosen length?"""
    sitting = make_sitting(people=4, seed=1)
    attempt_id, person = next(iter(sitting.user_of.items()))
    r = service.cadre_report(person, weeks=8)
    assert [a.id for a, _ in r.attempts] == [attempt_id]
    assert len(r.weeks) == 8 and r.weeks[-1][1] == pytest.approx(sitting.percent[attempt_id], abs=0.05)
    assert r.mean == pytest.approx(sitting.percent[attempt_id], abs=0.05)


def test_optional_modules(monkeypatch, make_user):
    """Are attendance and reviews read through the contracts when present, and None when absent?"""
    import types

    person = make_user()
    monkeypatch.setattr(service, "_optional", lambda name: None)
    r = service.cadre_report(person)
    assert r.attendance is None and r.reviews is None
    rates = service.unit_rates(EVERYONE)
    assert rates.attendance is None and rates.reviews is None

    ns = types.SimpleNamespace(
        attendance_by_user=lambda ids, since=None, until=None: {i: {"present": 3, "late": 1, "leave": 0, "absent": 1,
                                                                    "sessions": 5, "rate": 0.8} for i in ids},
        attendance_by_unit=lambda term_id=None, since=None, until=None: [
            {"unit_id": person.unit_id, "unit_name": "甲", "expected": 10, "attended": 8, "rate": 0.8},
            {"unit_id": -1, "unit_name": "乙", "expected": 10, "attended": 5, "rate": 0.5}])
    rv = types.SimpleNamespace(
        reviews_for=lambda user_id, limit=10: [],
        submission_by_unit=lambda weeks: [{"unit_id": person.unit_id, "unit_name": "甲", "expected": len(weeks),
                                           "submitted": 1, "rate": 1 / len(weeks)}])
    mods = {"trainer.nightschool.service": ns, "trainer.reviews.service": rv}
    monkeypatch.setattr(service, "_optional", mods.get)
    r = service.cadre_report(person)
    assert r.attendance["rate"] == 0.8 and r.reviews == []
    rates = service.unit_rates(EVERYONE, "12w")
    assert len(rates.weeks) == 12 and len(rates.attendance) == 2 and rates.reviews[0]["expected"] == 12
    mentor = make_user("mentor", unit=person.unit)
    rates = service.unit_rates(service.scope_for(mentor))
    assert [r["unit_id"] for r in rates.attendance] == [person.unit_id]
