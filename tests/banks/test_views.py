"""Bank admin pages: lists, question forms per type, versions, review by another admin, import page."""
import io

import pytest
from sqlalchemy import select

from tests.conftest import bank_yaml
from trainer.banks.models import Question, QuestionReport, QuestionStatus, ReviewState
from trainer.extensions import db
from trainer.org.models import Role


@pytest.fixture
def admin(login_as):
    return login_as(Role.admin)


def test_bank_pages_render(admin, make_bank):
    """Do the bank list, bank overview and question list render real counts?"""
    bank = make_bank(12)
    html = admin.get("/admin/banks").get_data(as_text=True)
    assert bank.title in html and ">12<" in html
    assert "第1章" in admin.get(f"/admin/banks/{bank.slug}").get_data(as_text=True)
    page = admin.get(f"/admin/banks/{bank.slug}/questions?type=judge").get_data(as_text=True)
    assert "判断题2" in page and "单选题0" not in page
    assert "单选题5" in admin.get(f"/admin/banks/{bank.slug}/questions?q=单选题5").get_data(as_text=True)


def test_question_filters_by_tag_and_review(admin, make_bank):
    """Do the tag and review filters narrow the list?"""
    bank = make_bank(9)
    html = admin.get(f"/admin/banks/{bank.slug}/questions?tag=标签1").get_data(as_text=True)
    assert "多选题1" in html and "单选题0" not in html
    assert "没有符合条件的题目" in admin.get(f"/admin/banks/{bank.slug}/questions?review=draft").get_data(as_text=True)


QUESTION_FORMS = {
    "single": {"stem": "新单选（ ）", "option_A": "甲", "option_B": "乙", "option_C": "丙", "correct": ["B"]},
    "multiple": {"stem": "新多选（ ）", "option_A": "甲", "option_B": "乙", "option_C": "丙", "correct": ["A", "C"]},
    "judge": {"stem": "新判断", "judge_answer": "false"},
    "fill": {"stem": "新填空____和____", "fill_answer": "甲/甲甲|乙"},
    "short": {"stem": "新简答", "reference_answer": "参考", "scoring_points": "要点一〔一〕\n要点二"},
}


@pytest.mark.parametrize("qtype", list(QUESTION_FORMS))
def test_create_question_of_each_type(admin, make_bank, qtype):
    """Can an admin create a question of each type from the form, saved as a draft?"""
    bank = make_bank(2)
    data = {"type": qtype, "chapter_id": bank.chapters[0].id, "difficulty": 3, "reference": "第三条",
            "explanation": "因为", **QUESTION_FORMS[qtype]}
    resp = admin.post(f"/admin/banks/{bank.slug}/questions/new", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    q = db.session.scalar(select(Question).order_by(Question.id.desc()))
    assert q.review_state == ReviewState.draft and q.current.type == qtype


@pytest.mark.parametrize("qtype,data,message", [
    ("single", {"stem": "x（ ）", "option_A": "甲", "option_B": "乙", "correct": ["A", "B"]}, "有且只有一个"),
    ("single", {"stem": "x（ ）", "option_A": "甲", "correct": ["A"]}, "2–8"),
    ("multiple", {"stem": "x（ ）", "option_A": "甲", "option_B": "乙", "correct": ["A"]}, "至少要有两个"),
    ("judge", {"stem": "x", "judge_answer": ""}, "判断题答案"),
    ("fill", {"stem": "x", "fill_answer": "a"}, "没有空"),
    ("short", {"stem": "x", "reference_answer": ""}, "参考答案"),
])
def test_question_form_refuses_bad_input(admin, make_bank, qtype, data, message):
    """Does the form re-render with the reason and save nothing?"""
    bank = make_bank(2)
    before = db.session.query(Question).count()
    resp = admin.post(f"/admin/banks/{bank.slug}/questions/new", data={"type": qtype, "difficulty": 3, "chapter_id": 0,
                                                                       **data})
    assert resp.status_code == 200 and message in resp.get_data(as_text=True)
    assert db.session.query(Question).count() == before


def test_edit_makes_a_version_and_needs_review_again(admin, make_bank):
    """Does an edit add a version, keep the old one, and send the question back to draft?"""
    bank = make_bank(1)
    q = db.session.scalar(select(Question))
    resp = admin.post(f"/admin/questions/{q.id}/edit", data={
        "type": "single", "chapter_id": q.chapter_id, "stem": "改过（ ）", "option_A": "甲", "option_B": "乙",
        "correct": ["A"], "difficulty": 2, "reference": "第一条", "change_note": "更正"})
    assert resp.status_code == 302
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    assert q.current_n == 2 and q.versions[0].stem == "单选题0（ ）" and q.review_state == ReviewState.draft
    html = admin.get(f"/admin/questions/{q.id}").get_data(as_text=True)
    assert "第 2 版" in html and "更正" in html and "<del>单选题0（ ）</del>" in html
    assert bank.slug


def test_review_needs_another_admin(app, login_as, make_bank):
    """May the author not review their own question, while a second admin may?"""
    make_bank(1)
    author = login_as(Role.admin)
    q = db.session.scalar(select(Question))
    author.post(f"/admin/questions/{q.id}/edit", data={
        "type": "judge", "chapter_id": q.chapter_id, "stem": "改成判断", "judge_answer": "true", "difficulty": 2})
    resp = author.post(f"/admin/questions/{q.id}/review", follow_redirects=True)
    assert "不能审核自己" in resp.get_data(as_text=True)
    other = login_as(Role.admin)
    other.post(f"/admin/questions/{q.id}/review")
    db.session.expire_all()
    q = db.session.get(Question, q.id)
    assert q.review_state == ReviewState.reviewed and q.reviewed_by_name == other.user.name


def test_bulk_review_of_ticked_drafts(app, login_as, make_bank):
    """Does ticking drafts on the list review them at once, skipping the ones the reviewer wrote?"""
    bank = make_bank(4, review="draft")
    author = login_as(Role.admin)
    ids = [q.id for q in db.session.scalars(select(Question).order_by(Question.id))]
    author.post(f"/admin/questions/{ids[0]}/edit", data={
        "type": "judge", "chapter_id": db.session.get(Question, ids[0]).chapter_id, "stem": "改成判断",
        "judge_answer": "true", "difficulty": 2})
    page = author.get(f"/admin/banks/{bank.slug}/questions?review=draft").get_data(as_text=True)
    assert page.count('name="question_id"') == 4 and "审核通过所选" in page
    resp = author.post(f"/admin/banks/{bank.slug}/review", data={"question_id": ids[:3]}, follow_redirects=True)
    assert "已审核通过 2 题；1 题是您编写或修改的" in resp.get_data(as_text=True)
    db.session.expire_all()
    states = [db.session.get(Question, i).review_state for i in ids]
    assert states == [ReviewState.draft, ReviewState.reviewed, ReviewState.reviewed, ReviewState.draft]
    resp = author.post(f"/admin/banks/{bank.slug}/review", data={}, follow_redirects=True)
    assert "请先勾选要审核的题目" in resp.get_data(as_text=True)
    cadre = login_as(Role.cadre)
    assert cadre.post(f"/admin/banks/{bank.slug}/review", data={"question_id": ids[3:]}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Question, ids[3]).review_state == ReviewState.draft


def test_retire_and_restore(admin, make_bank):
    """Can a question be retired and restored?"""
    make_bank(1)
    q = db.session.scalar(select(Question))
    admin.post(f"/admin/questions/{q.id}/retire")
    db.session.expire_all()
    assert db.session.get(Question, q.id).status == QuestionStatus.retired
    admin.post(f"/admin/questions/{q.id}/restore")
    db.session.expire_all()
    assert db.session.get(Question, q.id).status == QuestionStatus.active


def test_mark_source_version_for_rereview(admin, make_bank):
    """Does marking a source version put its reviewed questions back to 待复审?"""
    bank = make_bank(4)
    admin.post(f"/admin/banks/{bank.slug}/rereview", data={"source_version": "2020年版", "note": "条例修订"})
    states = set(db.session.scalars(select(Question.review_state)))
    assert states == {ReviewState.needs_review}


def test_import_page_previews_then_imports(admin, make_bank):
    """Does the import page preview without writing, then import on confirm?"""
    data = {"bank": "", "new_slug": "pasted", "new_title": "粘贴的题", "fmt": "auto",
            "text": "1. 宗教团体（ ）\nA. 登记\nB. 备案\n答案：A\n解析：第七条\n"}
    resp = admin.post("/admin/banks/import", data=data)
    html = resp.get_data(as_text=True)
    assert "预览" in html and "新增 <strong>1</strong>" in html
    assert db.session.query(Question).count() == 0
    token = html.split('name="token" type="hidden" value="')[1].split('"')[0]
    resp = admin.post("/admin/banks/import", data={**data, "text": "", "token": token, "confirm": "1"})
    assert resp.status_code == 302
    assert db.session.query(Question).count() == 1


def test_import_page_shows_errors_and_writes_nothing(admin):
    """Does a bad upload list file, row, field and reason?"""
    resp = admin.post("/admin/banks/import", data={"bank": "", "new_slug": "bad-one", "fmt": "auto",
                                                   "file": (io.BytesIO(b"1. x\nA. a\nB. b\n\xe7\xad\x94\xe6\xa1\x88\xef\xbc\x9aC\n"), "q.txt")},
                       content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert "不能导入" in html and "超出选项范围" in html
    assert db.session.query(Question).count() == 0


def test_template_and_exports_download(admin, make_bank):
    """Do the template and each export download?"""
    bank = make_bank(3)
    assert admin.get("/admin/banks/template.xlsx").data[:2] == b"PK"
    for fmt in ("xlsx", "yaml", "gift", "moodle-xml"):
        resp = admin.get(f"/admin/banks/{bank.slug}/export/{fmt}")
        assert resp.status_code == 200 and len(resp.data) > 100


def test_cadre_cannot_report_unseen_question_but_admin_queue_works(login_as, make_bank):
    """Is 纠错 refused before a cadre has seen the answer, and do reports reach the admin queue?"""
    make_bank(1)
    q = db.session.scalar(select(Question))
    assert login_as(Role.cadre).get(f"/questions/{q.id}/report").status_code == 403
    admin = login_as(Role.admin)
    admin.post(f"/questions/{q.id}/report", data={"comment": "答案似乎有误，请核对原文"})
    assert "答案似乎有误" in admin.get("/admin/question-reports").get_data(as_text=True)
    report = db.session.scalar(select(QuestionReport))
    admin.post(f"/admin/question-reports/{report.id}", data={"decision": "rejected", "response": "经核对无误"})
    db.session.expire_all()
    assert db.session.get(QuestionReport, report.id).status.value == "rejected"


def test_cadre_cannot_reach_bank_admin(login_as, make_bank):
    """Do cadres get 403 on bank admin pages?"""
    bank = make_bank(1)
    cadre = login_as(Role.cadre)
    for path in ["/admin/banks", f"/admin/banks/{bank.slug}", f"/admin/banks/{bank.slug}/export/yaml",
                 "/admin/banks/import", "/admin/question-reports"]:
        assert cadre.get(path).status_code == 403


def test_bank_yaml_helper_is_valid():
    """Is the test bank generator's output a valid bank (guards the fixtures)?"""
    assert "questions:" in bank_yaml("xx", 2)
