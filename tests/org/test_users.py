"""Admin pages for users and units, and the create-user command."""
from trainer.audit.models import AuditLog
from trainer.org.models import OrgUnit, Role, UnitKind, User


def test_admin_creates_user_with_initial_password(login_as, make_unit, db):
    """Does a new user get an initial password shown once and must change it?"""
    admin = login_as(Role.admin)
    unit = make_unit("民族宗教科")
    resp = admin.post("/admin/users/new", data={"username": "wangwu", "name": "王五", "role": "cadre",
                                                "unit_id": unit.id, "position": "科员", "phone": ""})
    assert resp.status_code == 302
    user = db.session.query(User).filter_by(username="wangwu").one()
    assert user.must_change_password and user.unit_id == unit.id
    assert db.session.query(AuditLog).filter_by(action="user.create").count() == 1


def test_user_form_shows_field_errors(login_as, make_user):
    """Does a duplicate username re-render the form with the error on that field?"""
    existing = make_user(username="taken")
    admin = login_as(Role.admin)
    resp = admin.post("/admin/users/new", data={"username": existing.username, "name": "某人", "role": "cadre",
                                                "unit_id": 0})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "已被使用" in html and "is-invalid" in html


def test_search_and_filter_by_unit(login_as, make_user, make_unit):
    """Does the list filter by unit (including its communities) and search by name?"""
    town = make_unit("青石镇", UnitKind.town)
    village = make_unit("下洋村", UnitKind.village, parent=town)
    make_user(name="林一", unit=village)
    make_user(name="陈二")
    admin = login_as(Role.admin)
    html = admin.get(f"/admin/users?unit={town.id}").get_data(as_text=True)
    assert "林一" in html and "陈二" not in html
    html = admin.get("/admin/users?q=陈").get_data(as_text=True)
    assert "陈二" in html and "林一" not in html


def test_deactivate_and_reset_password(login_as, make_user, db):
    """Can an admin deactivate a user and reset a password that must then be changed?"""
    user = make_user()
    admin = login_as(Role.admin)
    admin.post(f"/admin/users/{user.id}/active")
    db.session.refresh(user)
    assert not user.active
    resp = admin.post(f"/admin/users/{user.id}/password", follow_redirects=True)
    assert "新的初始密码" in resp.get_data(as_text=True)
    db.session.refresh(user)
    assert user.must_change_password


def test_admin_cannot_deactivate_self(login_as, db):
    """Is an admin stopped from locking themselves out?"""
    admin = login_as(Role.admin)
    resp = admin.post(f"/admin/users/{admin.user.id}/active", follow_redirects=True)
    assert "不能停用自己" in resp.get_data(as_text=True)


def test_units_tree_rules(login_as, db, make_unit):
    """Must a community sit under a town, and can a unit with people not be deleted?"""
    admin = login_as(Role.admin)
    office = make_unit("办公室")
    resp = admin.post("/admin/units/new", data={"name": "东门社区", "kind": "village", "parent_id": office.id,
                                                "sort_order": 0})
    assert "必须隶属于某个镇街区" in resp.get_data(as_text=True)
    town = make_unit("城关街道", UnitKind.town)
    assert admin.post("/admin/units/new", data={"name": "东门社区", "kind": "village", "parent_id": town.id,
                                                "sort_order": 0}).status_code == 302
    assert db.session.query(OrgUnit).filter_by(name="东门社区").one().parent_id == town.id
    resp = admin.post(f"/admin/units/{admin.user.unit_id}/delete", follow_redirects=True)
    assert "还有人员" in resp.get_data(as_text=True)


def test_create_user_command(runner, make_unit, db, monkeypatch):
    """Does `flask create-user` create an admin, and exit non-zero on a bad unit?"""
    make_unit("办公室")
    monkeypatch.setenv("TRAINER_PASSWORD", "Admin2026x")
    result = runner.invoke(args=["create-user", "boss", "--name", "部长", "--role", "admin", "--unit", "办公室"])
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(username="boss").one().role == Role.admin
    bad = runner.invoke(args=["create-user", "x2", "--name", "某", "--unit", "不存在"])
    assert bad.exit_code == 1 and "找不到单位" in bad.output


def test_audit_page_lists_actions(login_as, make_user):
    """Does the audit page show who did what?"""
    admin = login_as(Role.admin)
    user = make_user(name="赵六")
    admin.post(f"/admin/users/{user.id}/active")
    html = admin.get("/admin/audit/").get_data(as_text=True)
    assert "停用用户" in html and "赵六" in html


def test_admin_home_shows_counts_by_unit(login_as, make_user, make_unit):
    """Does the admin home page show real user counts per unit?"""
    unit = make_unit("统计测试科")
    for _ in range(3):
        make_user(unit=unit)
    html = login_as(Role.admin).get("/").get_data(as_text=True)
    assert "统计测试科" in html
