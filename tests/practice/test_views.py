"""Drill and wrong-answer book pages: plain form posts, JSON fetches, no key before answering, each cadre's own."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.practice.conftest import items_of, right_values, wrong_values
from trainer.extensions import db
from trainer.org.models import Role
from trainer.practice import service
from trainer.practice.models import Drill, ReviewCard
from trainer.timeutil import local_today

JSON = {"Accept": "application/json"}


def start(client, bank, **data) -> Drill:
    resp = client.post(f"/practice/banks/{bank.id}", data={"chapter_id": 0, "qtype": "", "count": 10, "shuffle": "y",
                                                            **data})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    drill_id = int(re.search(r"/practice/drills/(\d+)/1$", resp.headers["Location"]).group(1))
    return db.session.get(Drill, drill_id)


def html(resp) -> str:
    assert resp.status_code == 200, resp.status_code
    return resp.get_data(as_text=True)


def test_navigation_offers_drills_and_book_to_every_role(login_as):
    """Do cadres and mentors get 练兵 and 错题本 in the bar, and admins under 我的练习?"""
    for role in ("cadre", "mentor"):
        page = html(login_as(role).get("/"))
        assert 'href="/practice"' in page and 'href="/practice/book"' in page
    page = html(login_as(Role.admin).get("/"))
    assert "我的练习" in page and 'href="/practice/book"' in page


def test_drill_index_lists_banks_and_handles_none(cadre, make_bank):
    """Does the drill page show an empty state without banks, and each bank's chapters and counts with one?"""
    assert "暂无可练习的题库" in html(cadre.get("/practice"))
    bank = make_bank(10)
    page = html(cadre.get("/practice"))
    assert bank.title in page and "第1章" in page and "10 题" in page


def test_start_form_refuses_a_chapter_of_another_bank(cadre, bank, make_bank):
    """Is a chapter of another bank refused with a Chinese message and no drill made?"""
    other = make_bank(2, slug="other")
    resp = cadre.post(f"/practice/banks/{bank.id}", data={"chapter_id": other.chapters[0].id, "qtype": "", "count": 10})
    assert "不是有效的选择" in html(resp)
    assert db.session.scalar(select(Drill)) is None


def test_chapter_link_preselects_the_chapter(cadre, bank):
    """Does the chapter link open the start form with that chapter chosen?"""
    chapter = bank.chapters[1]
    page = html(cadre.get(f"/practice/banks/{bank.id}?chapter={chapter.id}"))
    assert re.search(rf'<option selected value="{chapter.id}">|<option value="{chapter.id}" selected', page)


def test_no_key_reaches_the_page_before_answering(cadre, bank):
    """Before an answer, does the page hold neither the explanation, the reference, nor any accepted answer?"""
    drill = start(cadre, bank)
    for item in items_of(drill.id):
        page = html(cadre.get(f"/practice/drills/{drill.id}/{item.position}"))
        v = item.version
        assert v.explanation not in page and v.reference not in page and "正确答案" not in page
        if v.type == "fill":
            assert v.answer["blanks"][0][0] not in page
        if v.type == "short":
            assert v.answer["reference"] not in page
        assert "提交答案" in page


def test_wrong_answer_by_plain_post_shows_key_explanation_reference_and_report_link(cadre, bank):
    """Without JS, does a wrong answer redirect to feedback with the key in the shown order, 解析, 出处 and 纠错?"""
    drill = start(cadre, bank, qtype="single")
    item = items_of(drill.id)[0]
    resp = cadre.post(f"/practice/drills/{drill.id}/1", data={"r": wrong_values(item)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/practice/drills/{drill.id}/1")
    page = html(cadre.get(f"/practice/drills/{drill.id}/1"))
    letter = "ABCD"[item.option_order.index(item.version.answer[0])]
    assert "回答错误" in page and re.search(rf"正确答案</span>\s*{letter}\b", page)
    assert item.version.explanation in page and item.version.reference in page
    assert f"/questions/{item.question_id}/report?version={item.version_id}&amp;next=" in page
    assert "已记入错题本" in page and "明天" in page
    assert html(cadre.get(f"/questions/{item.question_id}/report?version={item.version_id}"))


def test_report_needs_a_drill_answer_first(cadre, bank):
    """Is 纠错 refused for a question only drawn, and allowed once the cadre answered it in a drill?"""
    drill = start(cadre, bank, qtype="judge")
    item = items_of(drill.id)[0]
    assert cadre.get(f"/questions/{item.question_id}/report").status_code == 403
    cadre.post(f"/practice/drills/{drill.id}/1", data={"r": right_values(item)})
    assert cadre.get(f"/questions/{item.question_id}/report").status_code == 200


def test_json_answer_returns_the_feedback_card(cadre, bank):
    """Does a fetch get the feedback card as JSON, and a Chinese error for an empty answer?"""
    drill = start(cadre, bank, qtype="judge")
    item = items_of(drill.id)[0]
    resp = cadre.post(f"/practice/drills/{drill.id}/1", data={}, headers=JSON)
    assert resp.status_code == 400 and resp.get_json()["error"] == "请先作答再提交"
    resp = cadre.post(f"/practice/drills/{drill.id}/1", data={"r": right_values(item)}, headers=JSON)
    body = resp.get_json()["html"]
    assert "回答正确" in body and item.version.explanation in body and "下一题" in body


def test_plain_post_with_an_empty_answer_says_why(cadre, bank):
    """Without JS, does an empty answer come back to the question with a message?"""
    drill = start(cadre, bank, qtype="multiple")
    resp = cadre.post(f"/practice/drills/{drill.id}/1", data={}, follow_redirects=True)
    page = html(resp)
    assert "请先作答再提交" in page and "提交答案" in page


def test_short_answer_self_assessment(cadre, bank):
    """Does a short answer show the reference and found points, then take the cadre's verdict?"""
    drill = start(cadre, bank, qtype="short")
    item = items_of(drill.id)[0]
    cadre.post(f"/practice/drills/{drill.id}/1", data={"r": "我答了要点二"})
    page = html(cadre.get(f"/practice/drills/{drill.id}/1"))
    assert "参考答案" in page and "找到 1/2 项" in page and "我答对了" in page
    resp = cadre.post(f"/practice/drills/{drill.id}/1/assess", data={"verdict": "wrong"}, headers=JSON)
    assert "回答错误" in resp.get_json()["html"]
    assert db.session.scalar(select(ReviewCard).where(ReviewCard.question_id == item.question_id))


def test_drill_resumes_after_reload_and_ends_with_a_summary(cadre, bank):
    """Does the drill address resume at the first open question, and the last answer lead to the summary?"""
    drill = start(cadre, bank, qtype="single", count=5)
    items = items_of(drill.id)
    cadre.post(f"/practice/drills/{drill.id}/1", data={"r": right_values(items[0])})
    assert cadre.get(f"/practice/drills/{drill.id}").headers["Location"].endswith(f"/drills/{drill.id}/2")
    cadre.post(f"/practice/drills/{drill.id}/2", data={"r": wrong_values(items[1])})
    assert "查看本次结果" in html(cadre.get(f"/practice/drills/{drill.id}/2"))
    assert cadre.get(f"/practice/drills/{drill.id}").headers["Location"].endswith("/summary")
    page = html(cadre.get(f"/practice/drills/{drill.id}/summary"))
    assert "50" in page and "答对 1 题，答错 1 题" in page
    assert "最近的练习" in html(cadre.get("/practice"))


def test_ending_a_drill_early(cadre, bank):
    """Can a cadre end a drill early and see the summary, with the rest closed?"""
    drill = start(cadre, bank)
    resp = cadre.post(f"/practice/drills/{drill.id}/end")
    assert resp.headers["Location"].endswith("/summary")
    assert "本次练习已结束" in html(cadre.get(f"/practice/drills/{drill.id}/1"))


def test_another_cadres_drill_and_book_entries_are_hidden(cadre, login_as, bank):
    """Does a second cadre get 404 for the first one's drill, items, answers and book entries?"""
    drill = start(cadre, bank, qtype="judge")
    item = items_of(drill.id)[0]
    cadre.post(f"/practice/drills/{drill.id}/1", data={"r": wrong_values(item)})
    card = db.session.scalar(select(ReviewCard))
    other = login_as("cadre")
    for url in (f"/practice/drills/{drill.id}", f"/practice/drills/{drill.id}/1", f"/practice/drills/{drill.id}/summary",
                f"/practice/book/{card.id}"):
        assert other.get(url).status_code == 404, url
    for url in (f"/practice/drills/{drill.id}/2", f"/practice/drills/{drill.id}/end", f"/practice/book/{card.id}/hide",
                f"/practice/book/{card.id}/review"):
        assert other.post(url, data={"r": "true"}).status_code == 404, url
    assert item.version.stem not in html(other.get("/practice/book"))


def test_signed_out_visitors_go_to_sign_in(client):
    """Are the practice pages closed to visitors who are not signed in?"""
    for url in ("/practice", "/practice/book", "/practice/review"):
        assert client.get(url).status_code == 302


# ---- the book and today's review -----------------------------------------------------------

@pytest.fixture
def missed(cadre, bank):
    """The cadre got every question of the bank wrong in one drill."""
    drill = service.start_drill(cadre.user, bank.id, count=10)
    for item in items_of(drill.id):
        service.answer_item(cadre.user, drill.id, item.position, wrong_values(item))
        if item.version.type == "short":
            service.assess_item(cadre.user, drill.id, item.position, False)
    return list(db.session.scalars(select(ReviewCard).order_by(ReviewCard.id)))


def test_book_filters_by_bank_and_chapter(cadre, bank, missed, make_bank):
    """Does the book list every wrong question, narrowed by bank and by chapter?"""
    other = make_bank(3, slug="other")
    drill = service.start_drill(cadre.user, other.id, qtype="judge")
    service.answer_item(cadre.user, drill.id, 1, wrong_values(items_of(drill.id)[0]))
    page = html(cadre.get("/practice/book"))
    assert page.count('class="stem-link"') == 11
    page = html(cadre.get(f"/practice/book?bank={bank.id}"))
    assert page.count('class="stem-link"') == 10
    page = html(cadre.get(f"/practice/book?bank={bank.id}&chapter={bank.chapters[0].id}"))
    assert page.count('class="stem-link"') == 5 and "第1章（5）" in page


def test_book_entry_shows_history_without_the_key(cadre, missed):
    """Does an entry show where and when it was missed, but not the answer?"""
    card = next(c for c in missed if c.question.current.type == "judge")
    v = card.question.current
    page = html(cadre.get(f"/practice/book/{card.id}"))
    assert "答错" in page and "练兵" in page and v.stem in page
    assert v.explanation not in page


def test_hide_only_mastered_entries_and_restore(cadre, missed):
    """Can a cadre remove a mastered entry from view (not an unmastered one) and restore it?"""
    first, second = missed[0], missed[1]
    resp = cadre.post(f"/practice/book/{first.id}/hide", follow_redirects=True)
    assert "只有已掌握的错题" in html(resp)
    second.mastered_at, second.reps = second.created_at, 3
    db.session.commit()
    cadre.post(f"/practice/book/{second.id}/hide")
    db.session.expire_all()
    assert db.session.get(ReviewCard, second.id).hidden
    assert html(cadre.get("/practice/book")).count('class="stem-link"') == 9
    assert html(cadre.get("/practice/book?view=hidden")).count('class="stem-link"') == 1
    cadre.post(f"/practice/book/{second.id}/restore")
    db.session.expire_all()
    assert not db.session.get(ReviewCard, second.id).hidden


def test_today_review_lists_due_entries_and_reschedules_a_right_answer(cadre, missed):
    """Once entries are due, does 今日复习 list them, and a right answer push the entry to tomorrow?"""
    assert "今天没有要复习的错题" in html(cadre.get("/practice/review"))
    for card in missed[:2]:
        card.due = local_today()
    db.session.commit()
    page = html(cadre.get("/practice/review"))
    assert "2 <small" in page and "开始复习" in page
    resp = cadre.post("/practice/review")
    drill_id = int(re.search(r"/practice/drills/(\d+)/1$", resp.headers["Location"]).group(1))
    item = items_of(drill_id)[0]
    resp = cadre.post(f"/practice/drills/{drill_id}/1", data={"r": right_values(item)}, headers=JSON)
    if item.version.type == "short":
        resp = cadre.post(f"/practice/drills/{drill_id}/1/assess", data={"verdict": "right"}, headers=JSON)
    body = resp.get_json()["html"]
    assert "已按期复习" in body and "明天" in body
    db.session.expire_all()
    card = db.session.scalar(select(ReviewCard).where(ReviewCard.question_id == item.question_id))
    assert card.reps == 1 and card.due == local_today() + timedelta(days=1)


def test_review_one_entry_early(cadre, missed):
    """Can a cadre practise one entry before it is due (the right answer not counting)?"""
    card = missed[0]
    resp = cadre.post(f"/practice/book/{card.id}/review")
    assert "/practice/drills/" in resp.headers["Location"]
    drill_id = int(resp.headers["Location"].split("/")[-2])
    item = items_of(drill_id)[0]
    cadre.post(f"/practice/drills/{drill_id}/1", data={"r": right_values(item)})
    if item.version.type == "short":
        cadre.post(f"/practice/drills/{drill_id}/1/assess", data={"verdict": "right"})
    assert "未到复习日答对不计入" in html(cadre.get(f"/practice/drills/{drill_id}/1"))
    db.session.expire_all()
    assert db.session.get(ReviewCard, card.id).reps == 0


def test_book_page_queries_do_not_grow_with_entries(cadre, missed, count_queries):
    """Is the book page a fixed number of queries however many entries it lists?"""
    with count_queries() as n:
        html(cadre.get("/practice/book"))
    assert n() <= 12, n()


def test_home_panels(cadre, login_as, missed):
    """Do cadres and mentors see today's review count on their home page, and admins no panel?"""
    for card in missed[:3]:
        card.due = local_today()
    db.session.commit()
    page = html(cadre.get("/"))
    assert re.search(r"data-due-count>3<", page) and "练兵与错题" in page
    assert "我的练兵" in html(login_as("mentor").get("/"))
    assert "练兵与错题" not in html(login_as(Role.admin).get("/"))


@pytest.mark.parametrize("value", ["²", "--1", "9", "x"])
def test_nonsense_choice_is_refused_not_crashed(cadre, bank, value):
    """Is a choice value that is no option refused with a Chinese message instead of an error?"""
    drill = start(cadre, bank, qtype="single")
    resp = cadre.post(f"/practice/drills/{drill.id}/1", data={"r": value}, headers=JSON)
    assert resp.status_code == 400 and resp.get_json()["error"] == "请先作答再提交"
