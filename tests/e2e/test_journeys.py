"""The main journeys, in a real browser at phone width, with a screenshot of every step in test-artifacts/:
an admin imports a bank from Excel (a second admin reviews it), builds a weekly quiz and links it to this
evening's night-school session; a cadre checks in with the code on the room's screen, takes the quiz, sees the
result, finds the question they got wrong in the wrong-answer book and downloads the certificate."""
import io
from datetime import timedelta

import pytest
from openpyxl import Workbook
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import PHONE, browser_login
from trainer.banks.models import Bank, Question, ReviewState
from trainer.exams.models import Attempt
from trainer.extensions import db
from trainer.org.models import Role

pytestmark = pytest.mark.e2e

HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "出处", "难度", "章节", "标签"]
ROWS = [  # facts from the digest of 《宗教事务条例》 (2017), articles 7, 11, 19, 21 and 57
    ["单选", "宗教团体的成立、变更和注销，应当依照什么办理登记？（ ）", "国家社会团体管理的有关规定",
     "宗教活动场所管理的有关规定", "民办非企业单位管理的有关规定", "基金会管理的有关规定", "A",
     "宗教团体的成立、变更和注销，应当依照国家社会团体管理的有关规定办理登记。", "《宗教事务条例》第七条", 2,
     "第二章 宗教团体", "宗教团体"],
    ["判断", "宗教院校只能由全国性宗教团体或者省、自治区、直辖市宗教团体设立。", "", "", "", "", "对",
     "其他任何组织或者个人不得设立宗教院校。", "《宗教事务条例》第十一条", 2, "第三章 宗教院校", ""],
    ["多选", "宗教活动场所包括（ ）。", "寺观教堂", "其他固定宗教活动处所", "宗教院校", "宗教团体办公场所", "AB",
     "宗教活动场所包括寺观教堂和其他固定宗教活动处所。", "《宗教事务条例》第十九条", 3, "第四章 宗教活动场所", ""],
    ["单选", "宗教团体申请筹备设立宗教活动场所，拟设场所所在地县级人民政府宗教事务部门应当自收到申请之日起多少日内"
     "提出审核意见？（ ）", "30日", "60日", "15日", "90日", "A",
     "县级人民政府宗教事务部门应当自收到申请之日起30日内提出审核意见，报设区的市级人民政府宗教事务部门。",
     "《宗教事务条例》第二十一条", 3, "第四章 宗教活动场所", "时限"],
    ["判断", "宗教活动场所可以接受境外组织和个人附带条件的捐赠。", "", "", "", "", "错",
     "不得接受境外组织和个人附带条件的捐赠。", "《宗教事务条例》第五十七条", 2, "第七章 宗教财产", ""],
]


def workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in ROWS:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def answer(page, item, right: bool) -> None:
    """Answer one question on the take page, rightly or wrongly."""
    v, name = item.version, f"q{item.position}"
    card = page.locator(f"#{name}")
    if v.type == "judge":
        value = "true" if v.answer == right else "false"
        card.locator(f"input[name='{name}'][value='{value}']").locator("xpath=..").click()
    else:
        wanted = set(v.answer) if right else {next(i for i in range(len(v.options)) if i not in v.answer)}
        for i in sorted(wanted):
            card.locator(f"input[name='{name}'][value='{i}']").locator("xpath=..").click()
    page.wait_for_selector(f"#{name} .saved-mark:not([hidden])")


def test_admin_builds_a_quiz_and_a_cadre_takes_it(page, browser, browser_context_args, live_server, make_user,
                                                   make_unit, make_session, artifacts, tmp_path):
    """Admin imports from Excel, another admin reviews, the quiz is built and linked to tonight's session; a cadre
    checks in, takes the quiz, gets one wrong, finds it in the wrong-answer book and downloads the 合格证书."""
    office = make_unit("政策法规科")
    admin = make_user(Role.admin, unit=office, name="周管理")
    reviewer = make_user(Role.admin, unit=office, name="吴审核")
    cadre = make_user(Role.cadre, unit=office, name="李干部")
    page.on("dialog", lambda d: d.accept())
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    shot = iter(range(1, 100))

    def snap(p, name):
        p.screenshot(path=artifacts / f"{next(shot):02d}-{name}.png", full_page=True)
        assert fits(p), f"{name}: wider than the phone"

    # 1. the admin imports the bank from Excel: preview first, then confirm
    browser_login(page, live_server, admin)
    path = tmp_path / "宗教事务条例题库.xlsx"
    path.write_bytes(workbook())
    page.goto(f"{live_server}/admin/banks/import")
    page.fill("#new_slug", "journey-bank")
    page.fill("#new_title", "宗教事务条例（导入）")
    page.set_input_files("input[type=file]", str(path))
    page.click("button[name=preview]")
    page.wait_for_selector("button[name=confirm]")
    snap(page, "admin-import-preview")
    page.click("button[name=confirm]")
    page.wait_for_load_state()
    bank = db.session.scalar(select(Bank).where(Bank.slug == "journey-bank"))
    questions = list(db.session.scalars(select(Question).where(Question.bank_id == bank.id))) if bank else []
    assert len(questions) == 5 and all(q.review_state == ReviewState.draft for q in questions)
    snap(page, "admin-imported")

    # 2. another admin reviews the drafts (the author may not review their own)
    second = browser.new_context(**browser_context_args)
    rp = second.new_page()
    rp.on("dialog", lambda d: d.accept())
    browser_login(rp, live_server, reviewer)
    rp.goto(f"{live_server}/admin/banks/journey-bank/questions?review=draft")
    rp.check("#tick-all")
    assert rp.locator("input[name=question_id]:checked").count() == 5
    snap(rp, "reviewer-drafts")
    rp.click("button:has-text('审核通过所选')")
    rp.wait_for_load_state()
    assert "已审核通过 5 题" in rp.content()
    snap(rp, "reviewer-reviewed")
    second.close()

    # 3. the weekly quiz: every question of the bank, results right after submit, certificates for passing
    page.goto(f"{live_server}/admin/exams/new")
    page.fill("#title", "第12期每周测验")
    page.select_option("#kind", label="每周测验")
    page.select_option("#results_policy", index=0)
    page.check("#issue_certificates")
    page.fill("#pass_percent", "60")
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_url("**/admin/exams/*")
    page.select_option("#bank_id", str(bank.id))
    page.fill("#count", "5")
    page.fill("#points", "20")
    page.click("form[action$='/rules'] button[type=submit]")
    page.wait_for_load_state()
    quiz_url = page.url
    snap(page, "admin-quiz")

    # 4. the quiz is linked to tonight's session (it opens when the session ends)
    session = make_session(topic="《宗教事务条例》第四章解读", starts_in=timedelta(minutes=-5))
    page.goto(f"{live_server}/admin/nightschool/sessions/{session.id}/edit")
    page.select_option("#quiz_id", label=next(o for o in page.locator("#quiz_id option").all_inner_texts()
                                               if "第12期每周测验" in o))
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_load_state()
    assert "第12期每周测验" in page.content()
    snap(page, "admin-session-linked")

    # 5. the cadre checks in with the code on the room's screen
    screen_ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN",
                                     timezone_id="Asia/Shanghai")
    screen = screen_ctx.new_page()
    browser_login(screen, live_server, admin)
    screen.goto(f"{live_server}/admin/nightschool/sessions/{session.id}/screen")
    code = screen.inner_text("#checkin-code").strip()
    ctx = browser.new_context(**browser_context_args)
    phone = ctx.new_page()
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_login(phone, live_server, cadre)
    snap(phone, "cadre-home")
    phone.click("a.btn-success:has-text('签到')")
    phone.wait_for_url(f"**/nightschool/checkin/{session.id}")
    phone.fill("#code", code)
    phone.click("button:has-text('签到')")
    phone.wait_for_url(f"**/nightschool/sessions/{session.id}")
    assert "签到成功" in phone.content()
    snap(phone, "cadre-checked-in")
    screen_ctx.close()

    # 6. the lecture ends early and the admin opens the quiz now
    page.goto(quiz_url)
    page.click("button:has-text('立即开放')")
    page.wait_for_load_state()
    assert "进行中" in page.content()
    snap(page, "admin-quiz-open")

    # 7. the cadre takes it on a phone, gets exactly one question wrong
    phone.goto(f"{live_server}/")
    phone.click("text=第12期每周测验")
    phone.click("button:has-text('开始答题')")
    phone.wait_for_url("**/attempts/*")
    attempt = db.session.scalar(select(Attempt).where(Attempt.user_id == cadre.id))
    items = sorted(attempt.items, key=lambda i: i.position)
    wrong = items[1]
    for item in items:
        answer(phone, item, right=item is not wrong)
        if item is items[0]:
            snap(phone, "cadre-answering")
        if item is not items[-1]:
            phone.click("button:has-text('下一题')")
    phone.goto(f"{live_server}/attempts/{attempt.id}/submit")
    snap(phone, "cadre-confirm")
    phone.click("button:has-text('确认交卷')")
    phone.wait_for_url("**/result")
    snap(phone, "cadre-result")
    assert "80" in phone.locator(".score").inner_text()

    # 8. the wrong question waits in the wrong-answer book
    phone.goto(f"{live_server}/practice/book")
    book = phone.locator("a.stem-link")
    assert book.count() == 1 and wrong.version.stem[:12] in book.first.inner_text()
    snap(phone, "cadre-book")
    book.first.click()
    phone.wait_for_load_state()
    assert wrong.version.stem[:12] in phone.content()
    snap(phone, "cadre-book-entry")

    # 9. and the certificate downloads as a PDF with the cadre's name
    phone.goto(f"{live_server}/attempts/{attempt.id}/result")
    with phone.expect_download() as download:
        phone.click("a:has-text('下载合格证书')")
    pdf = PdfReader(download.value.path())
    text = pdf.pages[0].extract_text()
    assert "李干部" in text and "合格证书" in text.replace(" ", "")
    phone.goto(f"{live_server}/certificates")
    snap(phone, "cadre-certificates")
    ctx.close()
    assert not errors, errors
