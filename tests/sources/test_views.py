"""Pages: the reader for everyone signed in, and the admin pages (load, coverage, drafting, review queue)."""
import io
import re

import pytest
from flask import render_template
from sqlalchemy import func, select

from trainer.banks.models import Question, QuestionStatus, ReviewState
from trainer.extensions import db
from trainer.org.models import Role
from trainer.sources import service
from trainer.sources.models import SourceDocument

from .conftest import TITLE, revised
from .test_reading import docx_bytes


@pytest.fixture
def cadre(login_as):
    return login_as(Role.cadre)


def html(resp) -> str:
    return resp.get_data(as_text=True)


def test_reader_pages_for_a_cadre(cadre, loaded):
    """Can a cadre list the documents, read the whole text, open an article by its number and search?"""
    assert TITLE in html(cadre.get("/sources"))
    page = html(cadre.get("/sources/act"))
    assert "第二章　设立" in page and 'id="a15"' in page and "（三）有拟主持活动的合格人员；" in page
    article = html(cadre.get("/sources/act/12"))
    assert "第十二条" in article and "百分之五" in article and "/sources/act/11" in article and "/sources/act/13" in article
    assert "本条的题目" not in article  # coverage is for admins
    found = html(cadre.get("/sources/act?q=民政部门+备案"))
    assert "共找到 <strong>1</strong> 条" in found and "<mark>备案</mark>" in found
    assert cadre.get("/sources/act?q=第十条").headers["Location"].endswith("/sources/act/10")
    assert "共找到 <strong>2</strong> 条" in html(cadre.get("/sources?q=变更登记"))


def test_reader_missing_pages_and_signed_out(client, cadre, loaded):
    """Are a missing document or article answered in Chinese, and anonymous readers sent to sign in?"""
    missing = cadre.get("/sources/act/99")
    assert missing.status_code == 404 and "没有第九十九条" in html(missing)
    assert cadre.get("/sources/nope").status_code == 404
    resp = client.get("/sources/act/1")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


@pytest.mark.parametrize("path", ["/admin/sources", "/admin/sources/load", "/admin/sources/act",
                                  "/admin/sources/review"])
def test_admin_pages_are_for_admins(login_as, loaded, path):
    """Do cadres and mentors get 403 on the admin pages?"""
    for role in (Role.cadre, Role.mentor):
        assert login_as(role).get(path).status_code == 403
    assert login_as(role=Role.cadre).post("/admin/sources/act/draft", data={"article": 5}).status_code == 403


def test_load_by_pasting_previews_then_saves(admin, synthetic_text):
    """Does pasting a text show its structure first, save nothing, and save on confirmation?"""
    resp = admin.post("/admin/sources/load", data={"slug": "act", "text": synthetic_text, "version_label": "测试版"})
    page = html(resp)
    assert resp.status_code == 200 and "预览：《活动场所管理条例（测试用虚构文本）》" in page
    assert "<strong>15</strong> 条" in page and "第一节　申请" in page and "第 5–8 条（4 条）" in page
    assert db.session.scalar(select(func.count()).select_from(SourceDocument)) == 0
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    resp = admin.post("/admin/sources/load", data={"slug": "act", "token": token, "confirm": "1",
                                                   "version_label": "测试版"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/sources/act")
    doc = db.session.scalar(select(SourceDocument))
    assert (doc.article_count, doc.version_label) == (15, "测试版")


def test_load_shows_line_numbered_reasons_and_saves_nothing(admin):
    """Is an unparseable text answered with its reasons and line numbers, nothing saved?"""
    page = html(admin.post("/admin/sources/load", data={"slug": "bad", "text": "一份通知\n请注意安全。\n"}))
    assert "无法载入" in page and "第 1 行" in page and "没有找到任何条文" in page
    assert "确认保存" not in page
    assert db.session.scalar(select(func.count()).select_from(SourceDocument)) == 0
    page = html(admin.post("/admin/sources/load", data={"slug": "bad"}))
    assert "请上传文件或粘贴全文" in page


def test_load_a_docx_upload_with_warnings(admin, synthetic_text):
    """Does an uploaded .docx preview with a warning for stray text before 第一条 (and its line)?"""
    lines = synthetic_text.split("\n")
    lines.insert(3, "印发说明：请遵照执行。")
    data = {"slug": "act", "file": (io.BytesIO(docx_bytes(lines)), "条例.docx")}
    page = html(admin.post("/admin/sources/load", data=data, content_type="multipart/form-data"))
    assert "预览" in page and "第 4 行" in page and "印发说明" in page


def test_new_version_preview_shows_differences_and_flags(admin, loaded, synthetic_text, admin_user, make_user):
    """Does loading a changed version show the changed article's difference and how many questions it flags,
    and flag them on confirmation?"""
    from trainer.banks import service as banks

    from .test_service import add_question

    bank = banks.create_bank(admin_user, "act-bank", "题库", source=TITLE)
    q = add_question(bank, 8, reviewer=make_user(Role.admin))
    form = admin.get("/admin/sources/load?slug=act")
    assert f'value="{TITLE}"' in html(form)
    page = html(admin.post("/admin/sources/load", data={"slug": "act", "text": revised(synthetic_text),
                                                        "version_label": "修订版"}))
    assert "修改 <strong>1</strong>" in page and "删除 <strong>1</strong>" in page
    assert "<del>三</del>" in page or "<del>三十</del>" in page
    assert "<strong>1</strong> 道已审核题目将标记为「待复审」" in page
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    admin.post("/admin/sources/load", data={"slug": "act", "token": token, "confirm": "1", "version_label": "修订版"})
    db.session.expire_all()
    assert db.session.get(Question, q.id).review_state == ReviewState.needs_review
    queue = html(admin.get("/admin/sources/review?doc=act&state=rereview"))
    assert "关于第8条的判断题" in queue and "十五日内" in queue
    rev_id = service.revisions(db.session.scalar(select(SourceDocument)))[0].id
    assert "<del>" in html(admin.get(f"/admin/sources/act/revisions/{rev_id}"))


def test_coverage_page_marks_uncovered_articles(admin, loaded):
    """Does the coverage page list every article, marking the uncovered ones?"""
    page = html(admin.get("/admin/sources/act"))
    assert page.count("未覆盖</span>") == 15 and "0 / 15" in page
    assert 'name="article" value="6"' in page
    assert "显示全部条文" in html(admin.get("/admin/sources/act?uncovered=1"))


def test_draft_from_the_coverage_page_then_accept_and_discard(admin, loaded):
    """Does one click draft questions for an article, and can the queue accept one and discard another?"""
    resp = admin.post("/admin/sources/act/draft", data={"article": 6, "bank": ""})
    assert resp.status_code == 302 and "/admin/sources/review?doc=act&article=6" in resp.headers["Location"]
    queue = html(admin.get(resp.headers["Location"]))
    ids = [int(i) for i in re.findall(r'id="q(\d+)"', queue)]
    assert len(ids) == 3 and "原文 第六条" in queue and "采纳" in queue
    back = "/admin/sources/review?doc=act"
    assert admin.post(f"/admin/sources/review/{ids[0]}/accept", data={"next": back}).headers["Location"] == back
    admin.post(f"/admin/sources/review/{ids[1]}/discard", data={"next": "https://evil.example/"})
    db.session.expire_all()
    assert db.session.get(Question, ids[0]).review_state == ReviewState.reviewed
    assert db.session.get(Question, ids[1]).status == QuestionStatus.retired
    page = html(admin.get("/admin/sources/act"))
    assert page.count("未覆盖</span>") == 14
    again = admin.post("/admin/sources/act/draft", data={"article": 6})
    assert "没有可起草的新题" in html(admin.get(again.headers["Location"]))


def test_draft_all_uncovered_articles(admin, loaded):
    """Does the bulk button draft for every uncovered article into the chosen bank?"""
    admin.post("/admin/sources/act/draft", data={"scope": "uncovered"})
    total = db.session.scalar(select(func.count()).select_from(Question))
    assert total >= 20
    assert "起草待审" in html(admin.get("/admin/sources/review"))


def test_admin_article_page_offers_drafting(admin, loaded):
    """Does an admin reading an article see its question counts and a draft button?"""
    page = html(admin.get("/sources/act/9"))
    assert "本条的题目" in page and "依据本条起草题目" in page


def test_article_excerpt_partial(app, loaded):
    """Does the partial other pages include show the article's text and link to it, and nothing for None?"""
    article = service.article_for(TITLE, 5)
    with app.test_request_context():
        out = render_template("sources/_article_excerpt.html", article=article)
        empty = render_template("sources/_article_excerpt.html", article=None)
    assert "《活动场所管理条例（测试用虚构文本）》第五条" in out and 'href="/sources/act/5"' in out
    assert "（二）有30人以上的固定参加人员；" in out
    assert empty.strip() == ""


def test_home_panels(login_as, loaded):
    """Does the admin home show uncovered articles and the cadre home the texts with a search box?"""
    assert "条未覆盖" in html(login_as(Role.admin).get("/"))
    for role in (Role.cadre, Role.mentor):
        page = html(login_as(role).get("/"))
        assert "法规原文" in page and "/sources/act" in page and 'name="q"' in page


def test_text_edited_after_the_preview_is_previewed_again(admin, synthetic_text):
    """If the pasted text changes between preview and confirmation, is the new text previewed, not the old saved?"""
    page = html(admin.post("/admin/sources/load", data={"slug": "act", "text": synthetic_text}))
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    edited = synthetic_text.replace("第十五条　本条例自2030年1月1日起施行。", "第十五条　本条例自2031年1月1日起施行。")
    page = html(admin.post("/admin/sources/load", data={"slug": "act", "text": edited, "token": token, "confirm": "1"}))
    assert "预览" in page and db.session.scalar(select(func.count()).select_from(SourceDocument)) == 0
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    admin.post("/admin/sources/load", data={"slug": "act", "text": edited, "token": token, "confirm": "1"})
    assert "2031年" in service.article_for(TITLE, 15).text


def test_pages_cost_the_same_queries_for_a_long_text(admin, load, synthetic_text, count_queries):
    """Do the reader and coverage pages run as many queries for 105 articles as for 15?"""
    from trainer.cnnum import int_to_cn

    load(synthetic_text)
    long = "长条例\n第一章　总则\n" + "\n".join(f"第{int_to_cn(n)}条　第{n}条应当在{n}日内办理。" for n in range(1, 106))
    load(long, slug="long")
    counts = {}
    for slug in ("act", "long"):
        for path in (f"/sources/{slug}", f"/admin/sources/{slug}", f"/sources/{slug}?q=办理"):
            with count_queries() as n:
                assert admin.get(path).status_code == 200
            counts[(slug, path.replace(slug, ""))] = n()
    for path in ("/sources/", "/admin/sources/", "/sources/?q=办理"):
        assert counts[("act", path)] == counts[("long", path)], counts
