"""Onboarding plans: assignment, automatic checks (exam, mentor, night-school session), materials read,
admin confirmation, who is behind, and the "onboarding" certificate source."""
import sys
import types
from datetime import timedelta

import pytest

from trainer.errors import Forbidden, ServiceError
from trainer.mentoring import onboarding
from trainer.mentoring.models import ItemKind
from trainer.org.models import Role
from trainer.timeutil import local_today, utcnow


@pytest.fixture
def plan(make_user, make_exam):
    admin = make_user(Role.admin)
    exam = make_exam(n=1)
    p = onboarding.create_plan(admin, "新任统战委员入职学习计划")
    onboarding.add_item(admin, p, ItemKind.material, "通读条例", None, 7)
    onboarding.add_item(admin, p, ItemKind.exam, "", exam.id, 14)
    onboarding.add_item(admin, p, ItemKind.mentor, "", None, 21)
    onboarding.add_item(admin, p, ItemKind.session, "参加夜校", 42, 30)
    p.admin, p.exam = admin, exam
    return p


def _statuses(user):
    [progress] = onboarding.progress_for_user(user.id)
    return progress, {s.item.kind: s for s in progress.items}


def test_assign_to_people_and_unit(plan, make_user, make_unit):
    """Does assigning to chosen people and a unit give everyone the plan once?"""
    unit = make_unit()
    in_unit = [make_user(Role.cadre, unit=unit) for _ in range(2)]
    make_user(Role.mentor, unit=unit)
    chosen = make_user(Role.cadre)
    assert onboarding.assign(plan.admin, plan, [chosen.id], unit.id, None) == 3
    assert onboarding.assign(plan.admin, plan, [chosen.id, in_unit[0].id], None, None) == 0
    with pytest.raises(ServiceError, match="请选择人员或单位"):
        onboarding.assign(plan.admin, plan, [], None, None)


def test_automatic_and_manual_checks(plan, make_user, make_team, graded, monkeypatch):
    """Are exam passed, mentor pairing and session attendance checked automatically, and materials by the cadre?"""
    cadre = make_user(Role.cadre)
    onboarding.assign(plan.admin, plan, [cadre.id], None, local_today())
    progress, s = _statuses(cadre)
    assert progress.done == 0 and not progress.complete
    graded(plan.exam, cadre, 80)
    make_team(mentees=[cadre, make_user(Role.cadre)])
    fake = types.ModuleType("trainer.nightschool.service")
    fake.attendance_events = lambda since, until: [(cadre.id, 42, "late", utcnow())]
    monkeypatch.setitem(sys.modules, "trainer.nightschool.service", fake)
    progress, s = _statuses(cadre)
    assert s[ItemKind.exam].done and s[ItemKind.mentor].done and s[ItemKind.session].done
    assert s[ItemKind.exam].how == "自动核验" and not s[ItemKind.material].done
    onboarding.mark_read(cadre, progress.assignment.id, s[ItemKind.material].item.id)
    progress, s = _statuses(cadre)
    assert progress.complete and s[ItemKind.material].how == "本人确认"
    specs = onboarding.plan_certificates(plan.id)
    assert specs == [{"kind": "completion", "holder": cadre.id, "title": plan.title,
                      "subject_ref": f"onboarding:{plan.id}", "period": specs[0]["period"]}]


def test_failed_exam_and_absent_session_are_not_done(plan, make_user, graded, monkeypatch):
    """Do a failed quiz and an absence leave the items open?"""
    cadre = make_user(Role.cadre)
    onboarding.assign(plan.admin, plan, [cadre.id], None, None)
    graded(plan.exam, cadre, 30)
    fake = types.ModuleType("trainer.nightschool.service")
    fake.attendance_events = lambda since, until: [(cadre.id, 42, "absent", utcnow())]
    monkeypatch.setitem(sys.modules, "trainer.nightschool.service", fake)
    _, s = _statuses(cadre)
    assert not s[ItemKind.exam].done and not s[ItemKind.session].done


def test_only_materials_are_self_marked_and_only_by_their_owner(plan, make_user):
    """Is a cadre refused ticking an exam item or someone else's material?"""
    a, b = make_user(Role.cadre), make_user(Role.cadre)
    onboarding.assign(plan.admin, plan, [a.id, b.id], None, None)
    pa, sa = _statuses(a)
    with pytest.raises(ServiceError, match="不能自行勾选"):
        onboarding.mark_read(a, pa.assignment.id, sa[ItemKind.exam].item.id)
    with pytest.raises(Forbidden):
        onboarding.mark_read(b, pa.assignment.id, sa[ItemKind.material].item.id)


def test_admin_confirms_session_and_overdue_shows_behind(plan, make_user):
    """Can an admin confirm a session item, and are overdue people listed as behind?"""
    late = make_user(Role.cadre, name="落后者")
    onboarding.assign(plan.admin, plan, [late.id], None, local_today() - timedelta(days=40))
    p, s = _statuses(late)
    assert len(p.overdue) == 4
    onboarding.confirm(plan.admin, p.assignment.id, s[ItemKind.session].item.id)
    p, s = _statuses(late)
    assert s[ItemKind.session].how == "管理员确认" and len(p.overdue) == 3
    assert [b.assignment.user_id for b in onboarding.behind()] == [late.id]
    with pytest.raises(Forbidden):
        onboarding.confirm(late, p.assignment.id, s[ItemKind.exam].item.id)


def test_item_validation(plan):
    """Are an exam item without an exam and a session item without a number refused?"""
    with pytest.raises(ServiceError, match="请选择要通过的测验"):
        onboarding.add_item(plan.admin, plan, ItemKind.exam, "", 99999, 7)
    with pytest.raises(ServiceError, match="请填写夜校课程编号"):
        onboarding.add_item(plan.admin, plan, ItemKind.session, "夜校", None, 7)
    with pytest.raises(ServiceError, match="0—365"):
        onboarding.add_item(plan.admin, plan, ItemKind.material, "材料", None, 400)


def test_pages(plan, login_as, make_user, make_team):
    """Do the cadre, the mentor and the admin see the plan's progress, and do others get 403?"""
    cadre = make_user(Role.cadre, name="新委员")
    team = make_team(mentees=[cadre, make_user(Role.cadre)])
    onboarding.assign(plan.admin, plan, [cadre.id], None, None)
    c = login_as(user=cadre)
    page = c.get("/onboarding").get_data(as_text=True)
    assert "通读条例" in page and "标为已读" in page
    p, s = _statuses(cadre)
    assert c.post(f"/onboarding/{p.assignment.id}/items/{s[ItemKind.material].item.id}/read").status_code == 302
    other = login_as("cadre")
    assert other.post(f"/onboarding/{p.assignment.id}/items/{s[ItemKind.material].item.id}/read").status_code == 403
    assert "新委员" in login_as(user=team.mentor).get("/onboarding").get_data(as_text=True)
    admin = login_as(user=plan.admin)
    assert "新委员" in admin.get(f"/admin/onboarding/{plan.id}").get_data(as_text=True)
    r = admin.post(f"/admin/onboarding/{plan.id}/assign", data={"unit_id": 0})
    assert r.status_code == 422 and "请选择人员或单位" in r.get_data(as_text=True)
    r = admin.post(f"/admin/onboarding/{plan.id}/items", data={"kind": "exam", "exam_id": 0, "due_days": 7})
    assert r.status_code == 422 and "请选择要通过的测验" in r.get_data(as_text=True)
    r = admin.post(f"/admin/onboarding/assignments/{p.assignment.id}/items/{s[ItemKind.session].item.id}/confirm")
    assert r.status_code == 302
    assert admin.post("/admin/onboarding", data={"title": ""}).status_code == 422
    assert admin.post("/admin/onboarding", data={"title": "第二期"}).status_code == 302
    assert "学习计划" in c.get("/").get_data(as_text=True)
