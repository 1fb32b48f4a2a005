"""Banks and questions: listing, export, editing (new versions), review, retire, error reports."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from trainer.audit import service as audit
from trainer.banks.content import QuestionData, RawQuestion, build_question
from trainer.banks.exporters import ExportBank, export
from trainer.banks.models import (
    Bank,
    Chapter,
    Question,
    QuestionReport,
    QuestionStatus,
    QuestionVersion,
    ReportStatus,
    ReviewState,
)
from trainer.errors import NotFound, ServiceError
from trainer.extensions import db
from trainer.timeutil import utcnow
from trainer.web import Page, paginate

audit.register_actions({
    "bank.import": "导入题库", "bank.update": "修改题库", "question.create": "新建题目", "question.edit": "修改题目",
    "question.retire": "停用题目", "question.restore": "恢复题目", "question.review": "审核题目",
    "question.rereview": "标记待复审", "report.handle": "处理纠错",
})


# ---- banks -----------------------------------------------------------------

def get_bank(slug: str) -> Bank:
    bank = db.session.scalar(select(Bank).where(Bank.slug == slug))
    if bank is None:
        raise NotFound(f"题库「{slug}」不存在")
    return bank


def list_banks() -> list[Bank]:
    return list(db.session.scalars(select(Bank).order_by(Bank.id)))


def _current():
    return (QuestionVersion.question_id == Question.id) & (QuestionVersion.n == Question.current_n)


@dataclass
class BankStats:
    total: int
    active: int
    by_type: Counter
    by_chapter: Counter
    by_difficulty: Counter
    by_review: Counter


def bank_stats(bank_ids: list[int] | None = None) -> dict[int, BankStats]:
    """Counts of active questions per bank by type, chapter, difficulty and review state (one query)."""
    stmt = (select(Question.bank_id, Question.status, Question.review_state, Question.chapter_id,
                   QuestionVersion.type, QuestionVersion.difficulty, func.count())
            .join(QuestionVersion, _current())
            .group_by(Question.bank_id, Question.status, Question.review_state, Question.chapter_id,
                      QuestionVersion.type, QuestionVersion.difficulty))
    if bank_ids is not None:
        stmt = stmt.where(Question.bank_id.in_(bank_ids))
    out: dict[int, BankStats] = defaultdict(lambda: BankStats(0, 0, Counter(), Counter(), Counter(), Counter()))
    for bank_id, status, review, chapter_id, qtype, difficulty, n in db.session.execute(stmt):
        s = out[bank_id]
        s.total += n
        if status == QuestionStatus.active:
            s.active += n
            s.by_type[qtype] += n
            s.by_chapter[chapter_id] += n
            s.by_difficulty[difficulty] += n
            s.by_review[review] += n
    return out


def export_bank(slug: str, fmt: str) -> bytes:
    """The bank in an export format (yaml, xlsx, gift, moodle-xml)."""
    bank = get_bank(slug)
    chapters = {c.id: c for c in bank.chapters}
    rows = db.session.execute(
        select(Question, QuestionVersion).join(QuestionVersion, _current()).where(Question.bank_id == bank.id)
        .order_by(Question.id)).all()
    order = {c.id: c.sort_order for c in bank.chapters}
    rows.sort(key=lambda r: (order.get(r[0].chapter_id, 10**6), r[0].id))
    questions = []
    for q, v in rows:
        questions.append(QuestionData(
            key=q.key, type=v.type, stem=v.stem, options=list(v.options or []), answer=v.answer,
            explanation=v.explanation, reference=v.reference, ref_document=v.ref_document, ref_article=v.ref_article,
            difficulty=v.difficulty, tags=list(v.tags or []),
            chapter=chapters[q.chapter_id].code if q.chapter_id in chapters else None,
            review=q.review_state.value if q.review_state != ReviewState.needs_review else "draft",
            status=q.status.value))
    ex = ExportBank(slug=bank.slug, title=bank.title, source=bank.source, source_version=bank.source_version,
                    description=bank.description, allow_drafts_in_practice=bank.allow_drafts_in_practice,
                    chapters=[(c.code, c.title) for c in bank.chapters], questions=questions)
    return export(ex, fmt)


def update_bank(actor, bank: Bank, title: str, source: str, source_version: str, description: str,
                allow_drafts_in_practice: bool, ip: str = "") -> Bank:
    if not title.strip():
        raise ServiceError("请填写题库名称", field="title")
    bank.title, bank.source, bank.source_version = title.strip(), source.strip(), source_version.strip()
    bank.description, bank.allow_drafts_in_practice = description.strip(), allow_drafts_in_practice
    audit.record(actor, "bank.update", f"{bank.title}（{bank.slug}）", ip=ip)
    db.session.commit()
    return bank


# ---- questions -------------------------------------------------------------

def get_question(question_id: int) -> Question:
    q = db.session.get(Question, question_id, options=[selectinload(Question.versions)])
    if q is None:
        raise NotFound("题目不存在")
    return q


def get_version(version_id: int) -> QuestionVersion:
    v = db.session.get(QuestionVersion, version_id)
    if v is None:
        raise NotFound("题目版本不存在")
    return v


@dataclass
class QuestionFilter:
    chapter_id: int | None = None
    type: str | None = None
    difficulty: int | None = None
    tag: str | None = None
    status: str | None = "active"
    review: str | None = None
    q: str | None = None


def list_questions(bank: Bank, f: QuestionFilter, page: int = 1, per_page: int = 20) -> Page:
    """A page of (Question, current QuestionVersion) rows matching the filter."""
    stmt = (select(Question, QuestionVersion).join(QuestionVersion, _current()).where(Question.bank_id == bank.id)
            .order_by(Question.id))
    if f.chapter_id:
        stmt = stmt.where(Question.chapter_id == f.chapter_id)
    if f.type:
        stmt = stmt.where(QuestionVersion.type == f.type)
    if f.difficulty:
        stmt = stmt.where(QuestionVersion.difficulty == f.difficulty)
    if f.status in ("active", "retired"):
        stmt = stmt.where(Question.status == QuestionStatus(f.status))
    if f.review in {r.value for r in ReviewState}:
        stmt = stmt.where(Question.review_state == ReviewState(f.review))
    if f.q:
        like = f"%{f.q.strip()}%"
        stmt = stmt.where(or_(QuestionVersion.stem.like(like), QuestionVersion.explanation.like(like),
                              QuestionVersion.reference.like(like), Question.key == f.q.strip()))
    if f.tag:
        # tags are a JSON list; a LIKE on its text works on SQLite and PostgreSQL alike
        stmt = stmt.where(func.cast(QuestionVersion.tags, db.String).like(f'%"{f.tag}"%'))
    return paginate(stmt, page, per_page, scalars=False)


def bank_tags(bank: Bank) -> list[str]:
    tags: Counter = Counter()
    for (t,) in db.session.execute(select(QuestionVersion.tags).join(Question, _current())
                                   .where(Question.bank_id == bank.id)):
        tags.update(t or [])
    return [t for t, _ in tags.most_common()]


def data_from_version(v: QuestionVersion, q: Question) -> QuestionData:
    return QuestionData(key=q.key, type=v.type, stem=v.stem, options=list(v.options or []), answer=v.answer,
                        explanation=v.explanation, reference=v.reference, ref_document=v.ref_document,
                        ref_article=v.ref_article, difficulty=v.difficulty, tags=list(v.tags or []))


def save_question(actor, bank: Bank, raw: RawQuestion, chapter_id: int | None, question: Question | None = None,
                  note: str = "", ip: str = "", origin: str = "form", commit: bool = True) -> Question:
    """Create a question or give an existing one a new version; raises ServiceError naming the field."""
    data, issues = build_question(raw, bank.source)
    if issues:
        first = issues[0]
        raise ServiceError(first.reason, field=first.field)
    if chapter_id and db.session.get(Chapter, chapter_id) is None:
        raise ServiceError("章节不存在", field="chapter_id")
    if question is None:
        key = raw.key or data.key
        if db.session.scalar(select(Question.id).where(Question.bank_id == bank.id, Question.key == key)):
            raise ServiceError(f"编号「{key}」在本题库中已存在", field="key")
        question = Question(bank=bank, chapter_id=chapter_id or None, key=key, author_id=getattr(actor, "id", None),
                            source_version=bank.source_version, origin=origin, current_n=1,
                            review_state=ReviewState.draft)
        db.session.add(question)
        db.session.flush()
        _add_version(question, 1, data, actor, note or "新建")
        action = "question.create"
    else:
        question.chapter_id = chapter_id or None
        current = question.current
        if current.content_hash != data.content_hash:
            question.current_n += 1
            _add_version(question, question.current_n, data, actor, note or "编辑")
            # a changed question must be reviewed again
            question.review_state = ReviewState.draft
            question.reviewed_by_id, question.reviewed_by_name, question.reviewed_at = None, "", None
        action = "question.edit"
    audit.record(actor, action, f"{bank.slug}/{question.key}", ip=ip)
    if commit:
        db.session.commit()
    return question


def _add_version(question: Question, n: int, data: QuestionData, actor, note: str) -> QuestionVersion:
    v = QuestionVersion(question_id=question.id, n=n, type=data.type, stem=data.stem, options=data.options,
                        answer=data.answer, explanation=data.explanation, reference=data.reference,
                        ref_document=data.ref_document, ref_article=data.ref_article, difficulty=data.difficulty,
                        tags=data.tags, content_hash=data.content_hash, created_by_id=getattr(actor, "id", None),
                        change_note=note[:300])
    db.session.add(v)
    question.versions.append(v)
    return v


def set_status(actor, question: Question, status: QuestionStatus, ip: str = "") -> None:
    question.status = status
    audit.record(actor, "question.retire" if status == QuestionStatus.retired else "question.restore",
                 f"{question.bank.slug}/{question.key}", ip=ip)
    db.session.commit()


def review_question(actor, question: Question, ip: str = "") -> None:
    """Mark reviewed: by an admin other than the author of the current version."""
    current = question.current
    author = current.created_by_id or question.author_id
    if author is not None and author == actor.id:
        raise ServiceError("不能审核自己编写或修改的题目，请由另一位管理员审核")
    question.review_state = ReviewState.reviewed
    question.reviewed_by_id, question.reviewed_by_name, question.reviewed_at = actor.id, actor.name, utcnow()
    question.review_note = ""
    audit.record(actor, "question.review", f"{question.bank.slug}/{question.key}", ip=ip)
    db.session.commit()


def review_many(actor, bank: Bank, question_ids: list[int], ip: str = "") -> tuple[int, int]:
    """Mark the chosen unreviewed questions of bank reviewed, skipping those whose current version the actor
    wrote; returns (reviewed, skipped as own)."""
    ids = {int(i) for i in question_ids}
    if not ids:
        raise ServiceError("请先勾选要审核的题目")
    questions = list(db.session.scalars(select(Question).where(
        Question.bank_id == bank.id, Question.id.in_(ids), Question.review_state != ReviewState.reviewed)))
    reviewed = skipped = 0
    now = utcnow()
    for question in questions:
        author = question.current.created_by_id or question.author_id
        if author is not None and author == actor.id:
            skipped += 1
            continue
        question.review_state = ReviewState.reviewed
        question.reviewed_by_id, question.reviewed_by_name, question.reviewed_at = actor.id, actor.name, now
        question.review_note = ""
        reviewed += 1
    if reviewed:
        audit.record(actor, "question.review", f"{bank.slug}：批量审核 {reviewed} 题", ip=ip, count=reviewed)
    db.session.commit()
    return reviewed, skipped


def mark_for_rereview(actor, bank: Bank, source_version: str | None = None, article_numbers: list[int] | None = None,
                      note: str = "", ip: str = "", commit: bool = True, documents: list[str] | None = None) -> int:
    """Mark reviewed questions (of one source version, or on some articles of some documents) for re-review;
    returns how many."""
    stmt = select(Question).join(QuestionVersion, _current()).where(
        Question.bank_id == bank.id, Question.review_state == ReviewState.reviewed)
    if source_version is not None:
        stmt = stmt.where(Question.source_version == source_version)
    if article_numbers is not None:
        stmt = stmt.where(QuestionVersion.ref_article.in_(article_numbers))
    if documents is not None:
        stmt = stmt.where(QuestionVersion.ref_document.in_(documents))
    questions = list(db.session.scalars(stmt))
    for q in questions:
        q.review_state = ReviewState.needs_review
        q.review_note = note[:500]
    audit.record(actor, "question.rereview", bank.slug, ip=ip, count=len(questions), note=note)
    if commit:
        db.session.commit()
    return len(questions)


# ---- questions citing a source document (used by trainer.sources) ---------------------------------

def citing_counts(documents: list[str]) -> list[tuple[int | None, str, ReviewState, int]]:
    """(article, type, review state, count) of active questions whose current version cites one of documents."""
    return [tuple(r) for r in db.session.execute(
        select(QuestionVersion.ref_article, QuestionVersion.type, Question.review_state, func.count())
        .join(Question, _current())
        .where(QuestionVersion.ref_document.in_(documents), Question.status == QuestionStatus.active)
        .group_by(QuestionVersion.ref_article, QuestionVersion.type, Question.review_state))]


def citing_versions(documents: list[str], articles: list[int] | None = None) -> list[QuestionVersion]:
    """Current versions of every question (retired ones too) citing one of documents; with articles, only
    those on these articles or on no article."""
    stmt = select(QuestionVersion).join(Question, _current()).where(QuestionVersion.ref_document.in_(documents))
    if articles is not None:
        stmt = stmt.where(or_(QuestionVersion.ref_article.in_(articles), QuestionVersion.ref_article.is_(None)))
    return list(db.session.scalars(stmt.order_by(QuestionVersion.id)))


def citing_banks(documents: list[str]) -> list[Bank]:
    """Banks whose source is one of documents or that hold a question citing one, oldest first."""
    cited = select(Question.bank_id).join(QuestionVersion, _current()).where(QuestionVersion.ref_document.in_(documents))
    return list(db.session.scalars(select(Bank).where(or_(Bank.source.in_(documents), Bank.id.in_(cited)))
                                   .order_by(Bank.id)))


def citing_queue(documents: list[str] | None, state: str, page: int = 1, per_page: int = 20,
                 article: int | None = None) -> Page:
    """A page of (Question, current version) to look at: state "drafted" (drafts made from the text) or
    "rereview" (待复审); documents None means every document; article narrows to one article."""
    stmt = (select(Question, QuestionVersion).join(QuestionVersion, _current())
            .where(Question.status == QuestionStatus.active)
            .order_by(QuestionVersion.ref_document, QuestionVersion.ref_article, Question.id))
    if state == "rereview":
        stmt = stmt.where(Question.review_state == ReviewState.needs_review)
    else:
        stmt = stmt.where(Question.review_state == ReviewState.draft, Question.origin == "drafted")
    if documents is not None:
        stmt = stmt.where(QuestionVersion.ref_document.in_(documents))
    if article is not None:
        stmt = stmt.where(QuestionVersion.ref_article == article)
    return paginate(stmt, page, per_page, scalars=False)


def ensure_chapter(bank: Bank, titles: list[str], code: str) -> Chapter:
    """The bank's chapter named by any of titles (spaces ignored), else a new one named titles[0] with code
    (or a free variant of it); flushes only."""
    from trainer.grading.normalise import compact

    wanted = {compact(t) for t in titles if t}
    for c in bank.chapters:
        if compact(c.title) in wanted:
            return c
    title = titles[0]
    codes = {c.code for c in bank.chapters}
    final, n = code, 1
    while final in codes:
        n += 1
        final = f"{code}-{n}"
    chapter = Chapter(bank=bank, code=final[:32], title=title[:200],
                      sort_order=max((c.sort_order for c in bank.chapters), default=0) + 1)
    db.session.add(chapter)
    db.session.flush()
    return chapter


def source_versions(bank: Bank) -> list[tuple[str, int]]:
    return list(db.session.execute(
        select(Question.source_version, func.count()).where(Question.bank_id == bank.id)
        .group_by(Question.source_version).order_by(Question.source_version)).all())


# ---- error reports (纠错) -----------------------------------------------------

def report_error(user, question_id: int, version_id: int | None, comment: str) -> QuestionReport:
    comment = (comment or "").strip()
    if len(comment) < 4:
        raise ServiceError("请说明您认为哪里有误（至少 4 个字）", field="comment")
    question = get_question(question_id)
    report = QuestionReport(question_id=question.id, version_id=version_id, user_id=user.id, comment=comment[:2000])
    db.session.add(report)
    db.session.commit()
    return report


def list_reports(status: str | None = "open", page: int = 1) -> Page:
    stmt = select(QuestionReport).order_by(QuestionReport.created_at.desc())
    if status in {s.value for s in ReportStatus}:
        stmt = stmt.where(QuestionReport.status == ReportStatus(status))
    return paginate(stmt, page, 20)


def handle_report(actor, report_id: int, accepted: bool, response: str, ip: str = "") -> QuestionReport:
    report = db.session.get(QuestionReport, report_id)
    if report is None:
        raise NotFound("纠错记录不存在")
    report.status = ReportStatus.accepted if accepted else ReportStatus.rejected
    report.response = (response or "").strip()[:2000]
    report.handled_by_id, report.handled_at = actor.id, utcnow()
    audit.record(actor, "report.handle", f"{report.question.bank.slug}/{report.question.key}", ip=ip,
                 accepted=accepted)
    db.session.commit()
    return report


def open_report_count() -> int:
    return db.session.scalar(select(func.count()).select_from(QuestionReport)
                             .where(QuestionReport.status == ReportStatus.open)) or 0


def create_bank(actor, slug: str, title: str, source: str = "", source_version: str = "", description: str = "",
                allow_drafts_in_practice: bool = False, ip: str = "", commit: bool = True) -> Bank:
    from trainer.banks.importing import SLUG_RE

    slug = (slug or "").strip()
    if not SLUG_RE.match(slug):
        raise ServiceError("题库标识只能用小写字母、数字和连字符（2–64 位）", field="slug")
    if db.session.scalar(select(Bank.id).where(Bank.slug == slug)):
        raise ServiceError(f"题库标识「{slug}」已被使用", field="slug")
    bank = Bank(slug=slug, title=title.strip(), source=source.strip(), source_version=source_version.strip(),
                description=description.strip(), allow_drafts_in_practice=allow_drafts_in_practice)
    db.session.add(bank)
    audit.record(actor, "bank.update", f"{bank.title}（{slug}）", ip=ip, created=True)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return bank


def reports_for(question: Question) -> list[QuestionReport]:
    return list(db.session.scalars(select(QuestionReport).where(QuestionReport.question_id == question.id)
                                   .order_by(QuestionReport.created_at.desc())))


def may_report(user, question: Question) -> bool:
    """Admins always; others once they have seen the question's answer (a result or a drill)."""
    if user.role.value == "admin":
        return True
    from importlib import import_module

    for module in ("trainer.exams.service", "trainer.practice.service"):
        try:
            seen = getattr(import_module(module), "has_seen_answer", None)
        except ModuleNotFoundError:
            continue
        if seen is not None and seen(user, question.id):
            return True
    return False


def version_changes(prev: QuestionVersion, cur: QuestionVersion) -> list[tuple[str, str, str]]:
    """(field label, old text, new text) for each field that differs between two versions."""
    from trainer.banks.content import answer_text

    def options_text(v):
        return "；".join(f"{'ABCDEFGH'[i]}. {o}" for i, o in enumerate(v.options or []))

    fields = [("题型", lambda v: v.type), ("题干", lambda v: v.stem), ("选项", options_text),
              ("答案", lambda v: answer_text(v.type, v.answer)), ("解析", lambda v: v.explanation),
              ("出处", lambda v: v.reference), ("难度", lambda v: str(v.difficulty)),
              ("标签", lambda v: "、".join(v.tags or []))]
    return [(label, get(prev), get(cur)) for label, get in fields if get(prev) != get(cur)]
