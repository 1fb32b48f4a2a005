"""Loading versions, flagging questions on changed articles, resolving references, coverage, drafting, the queue."""
import pytest
from sqlalchemy import func, select

from trainer.audit.models import AuditLog
from trainer.banks import service as banks
from trainer.banks.content import RawQuestion
from trainer.banks.models import Question, QuestionStatus, ReviewState
from trainer.errors import ServiceError
from trainer.extensions import db
from trainer.org.models import Role
from trainer.sources import service
from trainer.sources.models import SourceArticle, SourceChapter, SourceDocument, SourceRevision

from .conftest import TITLE, revised


def add_question(bank, article: int, stem: str = None, reviewed: bool = True, reference: str | None = None,
                 reviewer=None, qtype: str = "judge"):
    """A question citing an article (by the bank's source unless reference names a document)."""
    raw = RawQuestion(line=0, type=qtype, stem=stem or f"关于第{article}条的判断题", answer=True,
                      reference=reference or f"第{article}条")
    if qtype == "single":
        raw.options, raw.answer = ["甲", "乙"], "A"
    q = banks.save_question(None, bank, raw, None, origin="form")
    if reviewed:
        banks.review_question(reviewer, q)
    return q


@pytest.fixture
def bank(app, admin_user):
    return banks.create_bank(admin_user, "act-bank", "测试条例题库", source=TITLE)


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.admin, name="审核人")


def test_loading_writes_structure_revision_and_audit(loaded):
    """Does a load store chapters, sections, articles, a revision with every article added, and an audit entry?"""
    assert (loaded.title, loaded.article_count, loaded.chapter_count) == (TITLE, 15, 5)
    chapters = db.session.scalars(select(SourceChapter).order_by(SourceChapter.position)).all()
    assert [(c.level, c.heading) for c in chapters][:4] == [(1, "第一章　总则"), (1, "第二章　设立"), (2, "第一节　申请"),
                                                            (2, "第二节　登记")]
    art7 = db.session.scalar(select(SourceArticle).where(SourceArticle.number == 7))
    assert art7.chapter.title == "设立" and art7.section.title == "登记" and art7.label == "第七条"
    rev = db.session.scalar(select(SourceRevision))
    assert (rev.added, rev.changed, rev.version_label) == (15, 0, "测试版")
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "source.load"))


def test_a_text_that_cannot_be_parsed_writes_nothing(app, admin_user):
    """Is a text without articles refused with line numbers, leaving the database unchanged?"""
    with pytest.raises(service.SourceParseError) as err:
        service.load_source(admin_user, "通知\n请各单位注意。\n", service.SourceMeta(slug="bad"))
    assert err.value.issues[0].line == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SourceDocument)) == 0


def test_bad_slug_and_taken_title_are_refused(loaded, synthetic_text, admin_user):
    """Are an invalid slug, a reserved one, and another document's title refused?"""
    for slug, reason in (("Bad Slug", "标识"), ("load", "标识"), ("other", "同名文件")):
        plan = service.plan_load(synthetic_text, service.SourceMeta(slug=slug))
        assert not plan.ok and reason in plan.errors[0].reason


def test_reloading_the_same_text_changes_nothing(loaded, load, synthetic_text, bank, reviewer):
    """Does loading the same text again find every article unchanged and flag nothing?"""
    q = add_question(bank, 8, reviewer=reviewer)
    load(synthetic_text.replace("第八条　", "第八条 "), version_label="测试版")
    rev = db.session.scalars(select(SourceRevision).order_by(SourceRevision.id.desc())).first()
    assert (rev.unchanged, rev.changed, rev.flagged) == (15, 0, 0)
    db.session.expire_all()
    assert db.session.get(Question, q.id).review_state == ReviewState.reviewed


def test_a_changed_version_flags_questions_on_changed_and_removed_articles(
        loaded, load, synthetic_text, bank, reviewer, admin_user):
    """Are reviewed questions on changed or removed articles (in every bank, by title or alias) marked for
    re-review, and those on unchanged articles, or on another document's article of the same number, not?"""
    on_changed = add_question(bank, 8, reviewer=reviewer)
    on_removed = add_question(bank, 15, "关于施行日期", reviewer=reviewer)
    unchanged = add_question(bank, 9, reviewer=reviewer)
    draft = add_question(bank, 8, "草稿题", reviewed=False)
    other_bank = banks.create_bank(admin_user, "mixed", "综合题库", source="别的条例")
    by_alias = add_question(other_bank, 8, "按简称引用", reference="《活动场所条例》第八条", reviewer=reviewer)
    other_doc = add_question(other_bank, 8, "别的条例第八条", reviewer=reviewer)

    plan = service.plan_load(revised(synthetic_text), service.SourceMeta(slug="act", aliases=["活动场所条例"]))
    assert plan.ok and plan.counts["changed"] == 1 and plan.counts["removed"] == 1 and plan.affected == [8, 15]
    assert plan.flagged == 3
    doc = load(revised(synthetic_text), version_label="修订版", aliases=["活动场所条例"])
    db.session.expire_all()
    state = {q.id: db.session.get(Question, q.id).review_state for q in
             (on_changed, on_removed, unchanged, draft, by_alias, other_doc)}
    assert state == {on_changed.id: ReviewState.needs_review, on_removed.id: ReviewState.needs_review,
                     unchanged.id: ReviewState.reviewed, draft.id: ReviewState.draft,
                     by_alias.id: ReviewState.needs_review, other_doc.id: ReviewState.reviewed}
    assert "第八条" in db.session.get(Question, on_changed.id).review_note
    rev = service.revisions(doc)[0]
    assert (rev.changed, rev.removed, rev.flagged, doc.article_count, doc.chapter_count) == (1, 1, 3, 14, 4)
    change = next(c for c in rev.changes if c["kind"] == "changed")
    assert change["number"] == 8 and "三十日" in change["old"] and "十五日" in change["new"]
    assert ("delete", "三") in service.diff_segments(change["old"], change["new"])
    assert service.article_for(TITLE, 15) is None


def test_compare_articles_notices_renumbering():
    """When an article is inserted, does the comparison say which new article holds an old one's text?"""
    old = {1: "甲。", 2: "乙。"}
    new = {1: "甲。", 2: "新增的内容。", 3: "乙。"}
    changes = service.compare_articles(old, new)
    assert [(c.number, c.kind, c.same_as) for c in changes] == [(1, "unchanged", None), (2, "changed", None),
                                                                  (3, "added", 2)]


def test_article_for_resolves_title_slug_alias_and_brackets(loaded, load, synthetic_text):
    """Does a reference resolve by title, 《title》, slug or alias, and not for unknown names or numbers?"""
    load(synthetic_text, aliases=["活动场所条例"])
    assert service.article_for(TITLE, 5).number == 5
    assert service.article_for(f"《{TITLE}》", 5).document.slug == "act"
    assert service.article_for("act", 12).text.startswith("活动场所的年度收入中")
    assert service.article_for("活动场所条例", 3).paragraphs[2].startswith("前款")
    assert service.article_for("宗教事务条例", 5) is None and service.article_for(TITLE, 99) is None
    assert service.article_for(TITLE, None) is None


def test_articles_for_many_references_in_constant_queries(loaded, count_queries):
    """Does resolving a page of references cost the same few queries however many there are?"""
    pairs = [(TITLE, n) for n in range(1, 16)] + [("act", 2), ("无此文件", 3), (TITLE, None)]
    with count_queries() as n:
        found = service.articles_for(pairs)
    assert n() <= 3 and len(found) == 16 and found[("act", 2)].number == 2
    with count_queries() as n:
        service.articles_for(pairs[:2])
    assert n() <= 3


def test_coverage_counts_reviewed_active_questions_by_type(loaded, bank, reviewer, admin_user):
    """Does coverage count reviewed, active questions per article and type across banks, drafts apart?"""
    add_question(bank, 5, reviewer=reviewer)
    add_question(bank, 5, "单选题（ ）", qtype="single", reviewer=reviewer)
    add_question(bank, 6, "草稿", reviewed=False)
    retired = add_question(bank, 7, "停用的", reviewer=reviewer)
    banks.set_status(admin_user, retired, QuestionStatus.retired)
    other = banks.create_bank(admin_user, "other", "另一个题库", source="act")
    add_question(other, 9, "按标识引用", reviewer=reviewer)
    add_question(other, 40, "条号不存在", reviewer=reviewer)
    cov = service.coverage(loaded)
    rows = {r.article.number: r for r in cov.rows}
    assert rows[5].by_type == {"judge": 1, "single": 1} and rows[5].covered
    assert not rows[6].covered and rows[6].drafts == 1
    assert not rows[7].covered and rows[9].total == 1
    assert (cov.covered, cov.uncovered, cov.stray, cov.drafts) == (2, 13, 1, 1)
    assert [c.covered for c in cov.chapters] == [0, 1, 1, 0, 0]
    assert service.summaries()[0].covered == 2


def test_draft_questions_into_a_new_bank_as_drafts(loaded, admin_user):
    """Do drafts land in a bank built on the document, as 草稿 citing their article, in its chapter?"""
    result = service.draft_questions(admin_user, loaded, [5, 6])
    assert result.created == 5 and result.bank_slug == "act"
    bank = banks.get_bank("act")
    assert bank.source == TITLE
    qs = db.session.scalars(select(Question).where(Question.bank_id == bank.id)).all()
    assert {q.origin for q in qs} == {"drafted"} and {q.review_state for q in qs} == {ReviewState.draft}
    assert {q.current.ref_article for q in qs} == {5, 6} and {q.current.ref_document for q in qs} == {TITLE}
    assert {q.chapter.title for q in qs} == {"第二章　设立"}
    assert {tuple(q.current.tags) for q in qs} == {("原文起草",)}
    assert service.draft_questions(admin_user, loaded, [5, 6]).created == 0
    assert db.session.scalar(select(AuditLog.detail).where(AuditLog.action == "source.draft"))["drafted"] == 5


def test_discarded_drafts_are_not_drafted_again_and_accepted_ones_cover(loaded, admin_user):
    """After discarding one draft and accepting the rest, does a re-run draft nothing and the article count
    as covered (accepted by the admin who asked for the drafts)?"""
    service.draft_questions(admin_user, loaded, [6])
    page = service.review_queue(loaded, "drafted")
    assert page.total == 3
    (first, _v), *rest = page.items
    service.discard_question(admin_user, first.id)
    for q, _v in rest:
        service.accept_question(admin_user, q.id)
    assert service.draft_questions(admin_user, loaded, [6]).created == 0
    row = next(r for r in service.coverage(loaded).rows if r.article.number == 6)
    assert row.total == 2 and row.drafts == 0
    assert service.review_queue(loaded, "drafted").total == 0
    with pytest.raises(ServiceError, match="已经审核"):
        service.accept_question(admin_user, rest[0][0].id)


def test_an_edited_draft_needs_another_admin(loaded, admin_user, reviewer):
    """Once an admin edits a draft, may only another admin accept it?"""
    service.draft_questions(admin_user, loaded, [12])
    (q, v), = service.review_queue(loaded, "drafted").items
    raw = RawQuestion(line=0, type=v.type, stem=v.stem + "（改）", answer=v.answer["blanks"], reference=v.reference,
                      explanation=v.explanation)
    banks.save_question(admin_user, q.bank, raw, q.chapter_id, question=q)
    with pytest.raises(ServiceError, match="另一位管理员"):
        service.accept_question(admin_user, q.id)
    service.accept_question(reviewer, q.id)


def test_drafting_skips_what_a_bank_already_asks(loaded, bank, reviewer, admin_user):
    """Is a sentence already asked by a hand-written question in another bank left alone?"""
    raw = RawQuestion(line=0, type="fill", stem="活动场所的年度收入中，用于公益慈善事业的支出不得低于____。",
                      answer="百分之五/5%", reference="第十二条")
    banks.save_question(None, bank, raw, None)
    result = service.draft_questions(admin_user, loaded, [12], bank_slug=None)
    assert result.created == 0 and result.bank_slug == "act-bank"


def test_drafting_refuses_unknown_articles_and_banks(loaded, admin_user):
    """Are an article the document lacks and an unknown bank refused with a Chinese reason?"""
    with pytest.raises(ServiceError, match="没有第九十九条"):
        service.draft_questions(admin_user, loaded, [99])
    with pytest.raises(ServiceError, match="不存在"):
        service.draft_questions(admin_user, loaded, [5], bank_slug="nope")


def test_search_words_numbers_and_wildcards(loaded):
    """Does search need every word, jump to a named article, and treat % and _ as plain characters?"""
    result = service.search("民政部门 备案", loaded)
    assert [h.article.number for h in result.hits] == [11] and result.total == 1
    assert ("备案", True) in result.hits[0].segments
    assert service.search("第十二条", loaded).jump.number == 12
    assert service.search("12", loaded).jump.number == 12
    assert service.search("%", loaded).total == 0 and service.search("_", loaded).total == 0
    assert service.search("", loaded).total == 0
    assert [h.article.number for h in service.search("变更登记").hits] == [8, 13]
