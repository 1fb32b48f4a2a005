"""Review pages: who may read, write, comment; the unit view, export and print page."""
from sqlalchemy import func, select

from trainer.org.models import Role
from trainer.reviews import service
from trainer.reviews.models import ReviewComment, ReviewState, WeeklyReview

FULL = service.ReviewData("本周工作", "体会", "计划")


def _url(week):
    return f"/reviews/week/{week[0]}/{week[1]}"


def test_cadre_writes_and_submits(login_as, db):
    """Can a cadre save a draft, then submit, through the pages?"""
    c = login_as("cadre")
    week = service.current_week()
    assert c.get(_url(week)).status_code == 200
    r = c.post(_url(week), data={"done": "走访", "lessons": "", "plan": "", "action": "draft"})
    assert r.status_code == 302
    r = c.post(_url(week), data={"done": "走访", "lessons": "体会", "plan": "计划", "action": "submit"})
    assert r.status_code == 302
    review = service.find_review(c.user.id, week)
    assert review.state == ReviewState.submitted
    assert "走访" in c.get(f"/reviews/{review.id}").get_data(as_text=True)


def test_empty_submit_shows_chinese_message(login_as, db):
    """Is an empty submit refused on the page with a Chinese message and nothing stored?"""
    c = login_as("cadre")
    r = c.post(_url(service.current_week()), data={"done": "", "lessons": "", "plan": "", "action": "submit"})
    assert r.status_code == 422 and "提交前请填写「本周工作」" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(WeeklyReview)) == 0


def test_future_week_page_refused(login_as, db):
    """Is a future week refused both on opening and on posting, storing nothing?"""
    c = login_as("cadre")
    nxt = service.shift(service.current_week(), 1)
    r = c.get(_url(nxt), follow_redirects=True)
    assert "不能填写未来周的复盘" in r.get_data(as_text=True)
    r = c.post(_url(nxt), data={"done": "a", "lessons": "b", "plan": "c", "action": "submit"})
    assert r.status_code == 422 and "不能填写未来周的复盘" in r.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(WeeklyReview)) == 0


def test_cadre_cannot_read_another_cadres_review(login_as, make_user):
    """Does a cadre get 403 on another cadre's review, and 404 on one that does not exist?"""
    other = make_user(Role.cadre)
    r = service.save_review(other, service.current_week(), FULL, submit=True)
    c = login_as("cadre")
    assert c.get(f"/reviews/{r.id}").status_code == 403
    assert c.get(f"/reviews/{r.id + 100}").status_code == 404
    assert c.post(f"/reviews/{r.id}/comments", data={"body": "x"}).status_code == 403


def test_mentor_cannot_read_other_teams_mentee_review(login_as, make_team, db):
    """Does a mentor get 403 when changing the review id to another team's mentee's review?"""
    mine, theirs = make_team(), make_team()
    own = service.save_review(mine.mentees[0], service.current_week(), FULL, submit=True)
    other = service.save_review(theirs.mentees[0], service.current_week(), FULL, submit=True)
    c = login_as(user=mine.mentor)
    assert c.get(f"/reviews/{own.id}").status_code == 200
    assert c.get(f"/reviews/{other.id}").status_code == 403
    assert c.post(f"/reviews/{other.id}/comments", data={"body": "越权点评"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ReviewComment)) == 0


def test_mentor_comments_and_mentee_sees_it(login_as, make_team):
    """Does the mentor's comment show on the mentee's review page?"""
    team = make_team()
    r = service.save_review(team.mentees[0], service.current_week(), FULL, submit=True)
    m = login_as(user=team.mentor)
    assert m.post(f"/reviews/{r.id}/comments", data={"body": "继续保持"}).status_code == 302
    assert m.post(f"/reviews/{r.id}/comments", data={"body": ""}).status_code == 422
    cadre = login_as(user=team.mentees[0])
    assert "继续保持" in cadre.get(f"/reviews/{r.id}").get_data(as_text=True)
    assert "继续保持" in cadre.get("/mentoring").get_data(as_text=True)


def test_admin_pages_and_roles(login_as, make_user, make_unit):
    """Do admins get the unit week, export and print pages, and others a 403?"""
    unit = make_unit("青石镇")
    a = make_user(Role.cadre, unit=unit, name="张三")
    make_user(Role.cadre, unit=unit, name="李四")
    week = service.current_week()
    service.save_review(a, week, FULL, submit=True)
    admin = login_as("admin")
    page = admin.get(f"/admin/reviews?week={service.week_param(week)}&unit={unit.id}").get_data(as_text=True)
    assert "张三" in page and "李四" in page
    x = admin.get(f"/admin/reviews/export?unit={unit.id}")
    assert x.status_code == 200 and "spreadsheetml" in x.headers["Content-Type"]
    p = admin.get(f"/admin/reviews/print?unit={unit.id}").get_data(as_text=True)
    assert "本周工作" in p and "李四" in p
    assert admin.get("/admin/reviews?unit=99999").status_code == 404
    for role in ("cadre", "mentor"):
        c = login_as(role)
        for url in ("/admin/reviews", "/admin/reviews/export", "/admin/reviews/print"):
            assert c.get(url).status_code == 403
    assert login_as("cadre").get("/reviews/team").status_code == 403


def test_home_panel_warns_from_friday(login_as, monkeypatch):
    """Does the cadre's home show this week's review as missing from Friday on?"""
    c = login_as("cadre")
    monkeypatch.setattr(service, "missing_is_due", lambda week, today=None: True)
    assert "本周复盘还没有提交，请在周日前完成" in c.get("/").get_data(as_text=True)
    monkeypatch.setattr(service, "missing_is_due", lambda week, today=None: False)
    assert "请在周日前完成" not in c.get("/").get_data(as_text=True)


def test_admin_home_lists_missing_by_unit(login_as, make_user, make_unit):
    """Does the admin home list who is missing this week's review by unit?"""
    unit = make_unit("白沙镇")
    make_user(Role.cadre, unit=unit, name="王五")
    page = login_as("admin").get("/").get_data(as_text=True)
    assert "本周复盘未提交" in page and "白沙镇" in page and "王五" in page


def test_new_comments_are_marked_once(login_as, make_team):
    """Is a new comment marked as new the first time the author opens the review, and not after?"""
    team = make_team()
    r = service.save_review(team.mentees[0], service.current_week(), FULL, submit=True)
    service.add_comment(team.mentor, r, "新的点评")
    c = login_as(user=team.mentees[0])
    assert 'comment new' in c.get(f"/reviews/{r.id}").get_data(as_text=True)
    assert 'comment new' not in c.get(f"/reviews/{r.id}").get_data(as_text=True)


def test_unit_week_queries_do_not_grow_with_people(login_as, make_user, make_unit, count_queries):
    """Does the admin's unit week take no more queries for 12 people than for 3?"""
    unit = make_unit()
    admin = login_as("admin")

    def queries(n):
        for _ in range(n):
            u = make_user(Role.cadre, unit=unit)
            service.save_review(u, service.current_week(), FULL, submit=True)
        with count_queries() as q:
            assert admin.get(f"/admin/reviews?unit={unit.id}").status_code == 200
        return q()

    few, many = queries(3), queries(9)
    assert many <= few + 1  # one lazy load of the viewer's unit may fall either side; a per-person query would add 9
