"""Source texts: loading a version (compared article by article with the last one), reading and search,
coverage by reviewed questions, drafting questions from the text, and the queue where drafts are reviewed.

Questions are matched to a document by the title they cite (QuestionVersion.ref_document, without
书名号), by its slug, or by one of its aliases.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.orm import selectinload

from trainer.audit import service as audit
from trainer.banks import service as banks
from trainer.banks.content import RawQuestion
from trainer.banks.models import QuestionStatus, ReviewState
from trainer.cnnum import int_to_cn, parse_article
from trainer.errors import NotFound, ServiceError
from trainer.extensions import db
from trainer.sources import drafting
from trainer.sources.models import SourceArticle, SourceChapter, SourceDocument, SourceRevision
from trainer.sources.parsing import Issue, Parsed, parse_text
from trainer.timeutil import utcnow
from trainer.web import Page

audit.register_actions({"source.load": "导入法规原文", "source.draft": "依据原文起草题目"})

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
SPACE_RE = re.compile(r"\s+")
RESERVED_SLUGS = {"load", "review"}  # taken by admin pages under /admin/sources/
DRAFT_TAG = "原文起草"


class SourceParseError(ServiceError):
    """A text that cannot be loaded; issues carry the line numbers."""

    def __init__(self, issues: list[Issue]):
        super().__init__("；".join(i.text() for i in issues[:3]) + ("……" if len(issues) > 3 else ""))
        self.issues = issues


def clean_name(name: str) -> str:
    """A document name as questions cite it: no 书名号, no spaces."""
    return SPACE_RE.sub("", (name or "").strip().strip("《》"))


# ---- loading ------------------------------------------------------------------------------------


@dataclass
class SourceMeta:
    """What the admin says about a text: its slug and the details the text itself does not carry."""

    slug: str
    title: str = ""
    aliases: list[str] = field(default_factory=list)
    issuer: str = ""
    version_label: str = ""
    published_on: date | None = None
    effective_on: date | None = None


@dataclass
class ArticleChange:
    number: int
    kind: str  # unchanged | changed | added | removed
    old: str = ""
    new: str = ""
    same_as: int | None = None  # for a changed or added article: the old article with exactly this text

    @property
    def label(self) -> str:
        return f"第{int_to_cn(self.number)}条"


KIND_LABELS = {"unchanged": "未变", "changed": "修改", "added": "新增", "removed": "删除"}


def _same(text: str) -> str:
    return SPACE_RE.sub("", text)


def compare_articles(old: dict[int, str], new: dict[int, str]) -> list[ArticleChange]:
    """Article by article (by number): unchanged, changed, added or removed; spaces do not count."""
    by_text = {_same(t): n for n, t in old.items()}
    out = []
    for n in sorted(set(old) | set(new)):
        if n not in new:
            out.append(ArticleChange(n, "removed", old=old[n]))
        elif n not in old:
            out.append(ArticleChange(n, "added", new=new[n], same_as=by_text.get(_same(new[n]))))
        elif _same(old[n]) == _same(new[n]):
            out.append(ArticleChange(n, "unchanged", old=old[n], new=new[n]))
        else:
            out.append(ArticleChange(n, "changed", old=old[n], new=new[n], same_as=by_text.get(_same(new[n]))))
    return out


def diff_segments(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) pieces, op one of equal / delete / insert, showing old turned into new character by character."""
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(("equal", old[a1:a2]))
        else:
            if a2 > a1:
                out.append(("delete", old[a1:a2]))
            if b2 > b1:
                out.append(("insert", new[b1:b2]))
    return out


@dataclass
class LoadPlan:
    """What loading a text would do: its structure, the changes against the loaded version, and the questions
    that would be marked for re-review."""

    parsed: Parsed
    meta: SourceMeta
    source_name: str
    document: SourceDocument | None = None
    changes: list[ArticleChange] = field(default_factory=list)
    flagged: int = 0
    meta_errors: list[Issue] = field(default_factory=list)

    @property
    def title(self) -> str:
        return clean_name(self.meta.title or self.parsed.title)

    @property
    def errors(self) -> list[Issue]:
        return self.meta_errors + self.parsed.errors

    @property
    def warnings(self) -> list[Issue]:
        return self.parsed.warnings

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> Counter:
        return Counter(c.kind for c in self.changes)

    @property
    def affected(self) -> list[int]:
        """Numbers of the articles whose questions need another look (changed or removed)."""
        return [c.number for c in self.changes if c.kind in ("changed", "removed")]

    def error_lines(self, path: str = "") -> list[str]:
        return [i.text(path) for i in self.errors]


def plan_load(text: str, meta: SourceMeta, source_name: str = "") -> LoadPlan:
    """Parse a text and compare it with the loaded version of the same slug; writes nothing."""
    parsed = parse_text(text, title=meta.title or None)
    plan = LoadPlan(parsed=parsed, meta=meta, source_name=source_name)
    slug = (meta.slug or "").strip()
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        plan.meta_errors.append(Issue(0, "标识只能用小写字母、数字和连字符（2–64 位），如 religious-affairs"))
        return plan
    plan.document = db.session.scalar(select(SourceDocument).where(SourceDocument.slug == slug))
    title = plan.title
    if title and len(title) > 200:
        plan.meta_errors.append(Issue(parsed.title_line, "标题不能超过 200 个字"))
    if title:
        other = find_document(title)
        if other is not None and other.slug != slug:
            plan.meta_errors.append(Issue(parsed.title_line, f"已有同名文件《{other.title}》（标识 {other.slug}），"
                                                             "载入新版本请使用同一标识"))
    if not parsed.ok:
        return plan
    old = {a.number: a.text for a in plan.document.articles} if plan.document else {}
    plan.changes = compare_articles(old, {a.number: a.text for a in parsed.articles})
    if plan.document is not None and plan.affected:
        names = _names_after(plan.document, title, meta.aliases)
        affected = set(plan.affected)
        plan.flagged = sum(n for article, _t, state, n in banks.citing_counts(names)
                           if article in affected and state == ReviewState.reviewed)
    return plan


def _names_after(document: SourceDocument | None, title: str, aliases: list[str]) -> list[str]:
    names = [*(document.names if document else []), title, *aliases]
    return [n for i, n in enumerate(names) if n and n not in names[:i]]


def load_source(actor, text: str, meta: SourceMeta, source_name: str = "", ip: str = ""
                ) -> tuple[SourceDocument, SourceRevision]:
    """Load a text as the current version of its document; questions on changed or removed articles are
    marked for re-review. Raises SourceParseError (with line numbers) and writes nothing on a bad text."""
    plan = plan_load(text, meta, source_name)
    if not plan.ok:
        raise SourceParseError(plan.errors)
    parsed, doc = plan.parsed, plan.document
    names_before = list(doc.names) if doc else []
    now = utcnow()
    if doc is None:
        doc = SourceDocument(slug=meta.slug.strip(), created_at=now)
        db.session.add(doc)
    else:
        db.session.execute(delete(SourceArticle).where(SourceArticle.document_id == doc.id))
        db.session.execute(delete(SourceChapter).where(SourceChapter.document_id == doc.id,
                                                       SourceChapter.parent_id.is_not(None)))
        db.session.execute(delete(SourceChapter).where(SourceChapter.document_id == doc.id))
        db.session.expire(doc, ["chapters", "articles"])
    doc.title = plan.title
    doc.aliases = [clean_name(a) for a in meta.aliases if clean_name(a)]
    doc.issuer = meta.issuer.strip()
    doc.version_label = meta.version_label.strip()
    doc.published_on, doc.effective_on = meta.published_on, meta.effective_on
    doc.note = parsed.note
    doc.preamble = "\n".join(parsed.preamble)
    doc.article_count, doc.chapter_count = len(parsed.articles), len(parsed.chapters)
    doc.loaded_at = now
    db.session.flush()
    _write_structure(doc, parsed)

    counts = plan.counts
    revision = SourceRevision(
        document_id=doc.id, version_label=doc.version_label, source_name=source_name[:200], loaded_at=now,
        loaded_by_id=getattr(actor, "id", None), loaded_by_name=getattr(actor, "name", "") or "",
        unchanged=counts["unchanged"], changed=counts["changed"], added=counts["added"], removed=counts["removed"],
        changes=[{"number": c.number, "kind": c.kind, "old": c.old, "new": c.new, "same_as": c.same_as}
                 for c in plan.changes if c.kind != "unchanged"])
    db.session.add(revision)
    if plan.document is not None and plan.affected:
        names = _names_after(None, "", names_before + doc.names)
        labels = "、".join(f"第{int_to_cn(n)}条" for n in plan.affected[:10]) + ("等" if len(plan.affected) > 10 else "")
        note = f"《{doc.title}》{doc.version_label or '新版本'}：{labels}有修改或删除，请对照新条文复核"
        for bank in banks.citing_banks(names):
            revision.flagged += banks.mark_for_rereview(actor, bank, article_numbers=plan.affected, documents=names,
                                                        note=note, ip=ip, commit=False)
    audit.record(actor, "source.load", f"《{doc.title}》（{doc.slug}）", ip=ip, version=doc.version_label,
                 articles=doc.article_count, changed=counts["changed"], added=counts["added"],
                 removed=counts["removed"], flagged=revision.flagged)
    db.session.commit()
    return doc, revision


def _write_structure(doc: SourceDocument, parsed: Parsed) -> None:
    headings = sorted([(h.line, 1, i, h) for i, h in enumerate(parsed.chapters)]
                      + [(h.line, 2, i, h) for i, h in enumerate(parsed.sections)], key=lambda t: t[0])
    chapter_rows: dict[int, SourceChapter] = {}
    section_rows: dict[int, SourceChapter] = {}
    for position, (_line, level, index, h) in enumerate(headings, start=1):
        parent = chapter_rows.get(h.parent) if level == 2 and h.parent is not None else None
        row = SourceChapter(document_id=doc.id, level=level, number=h.number, title=h.title[:200], position=position,
                            parent_id=parent.id if parent else None)
        db.session.add(row)
        db.session.flush()
        (chapter_rows if level == 1 else section_rows)[index] = row
    db.session.add_all([
        SourceArticle(document_id=doc.id, number=a.number, text=a.text,
                      chapter_id=chapter_rows[a.chapter].id if a.chapter is not None else None,
                      section_id=section_rows[a.section].id if a.section is not None else None)
        for a in parsed.articles])
    db.session.flush()


# ---- reading ------------------------------------------------------------------------------------


def list_documents() -> list[SourceDocument]:
    return list(db.session.scalars(select(SourceDocument).order_by(SourceDocument.title)))


def get_document(slug: str) -> SourceDocument:
    doc = db.session.scalar(select(SourceDocument).where(SourceDocument.slug == slug))
    if doc is None:
        raise NotFound(f"文件「{slug}」不存在或尚未导入")
    return doc


def find_document(name: str) -> SourceDocument | None:
    """The document a question's reference names: by title, slug or alias (书名号 and spaces ignored)."""
    wanted = clean_name(name)
    if not wanted:
        return None
    for doc in list_documents():
        if wanted in {clean_name(n) for n in doc.names}:
            return doc
    return None


def get_article(slug: str, number: int) -> SourceArticle:
    doc = get_document(slug)
    article = db.session.scalar(select(SourceArticle).where(SourceArticle.document_id == doc.id,
                                                            SourceArticle.number == number))
    if article is None:
        raise NotFound(f"《{doc.title}》没有第{int_to_cn(number) if 0 < number < 10000 else number}条")
    return article


def article_for(document_title: str, number: int | None) -> SourceArticle | None:
    """The article a question cites (document by title, slug or alias), or None when it is not loaded."""
    if not number:
        return None
    doc = find_document(document_title)
    if doc is None:
        return None
    return db.session.scalar(select(SourceArticle).where(SourceArticle.document_id == doc.id,
                                                         SourceArticle.number == number))


def articles_for(pairs: Iterable[tuple[str, int | None]]) -> dict[tuple[str, int], SourceArticle]:
    """article_for for many (document, number) pairs in two queries, keyed by the pairs as given."""
    wanted = [(d, n) for d, n in pairs if d and n]
    if not wanted:
        return {}
    by_name: dict[str, SourceDocument] = {}
    for doc in list_documents():
        for n in doc.names:
            by_name.setdefault(clean_name(n), doc)
    keys = {(d, n): by_name.get(clean_name(d)) for d, n in wanted}
    lookup = {(doc.id, n) for (_d, n), doc in keys.items() if doc is not None}
    if not lookup:
        return {}
    rows = db.session.scalars(select(SourceArticle).options(selectinload(SourceArticle.document))
                              .where(tuple_(SourceArticle.document_id, SourceArticle.number).in_(list(lookup))))
    found = {(a.document_id, a.number): a for a in rows}
    return {(d, n): found[(doc.id, n)] for (d, n), doc in keys.items() if doc is not None and (doc.id, n) in found}


def neighbours(article: SourceArticle) -> tuple[int | None, int | None]:
    """Numbers of the articles before and after this one in its document."""
    prev = db.session.scalar(select(func.max(SourceArticle.number)).where(
        SourceArticle.document_id == article.document_id, SourceArticle.number < article.number))
    nxt = db.session.scalar(select(func.min(SourceArticle.number)).where(
        SourceArticle.document_id == article.document_id, SourceArticle.number > article.number))
    return prev, nxt


@dataclass
class OutlinePart:
    """A chapter (or the document itself when it has none), its sections, and the articles directly in it."""

    chapter: SourceChapter | None
    articles: list[SourceArticle] = field(default_factory=list)
    sections: list[tuple[SourceChapter, list[SourceArticle]]] = field(default_factory=list)

    @property
    def all_articles(self) -> list[SourceArticle]:
        return self.articles + [a for _s, arts in self.sections for a in arts]


def outline(doc: SourceDocument) -> list[OutlinePart]:
    """The document's chapters, sections and articles in reading order (two queries)."""
    chapters = list(db.session.scalars(select(SourceChapter).where(SourceChapter.document_id == doc.id)
                                       .order_by(SourceChapter.position)))
    articles = list(db.session.scalars(select(SourceArticle).where(SourceArticle.document_id == doc.id)
                                       .order_by(SourceArticle.number)))
    parts: dict[int | None, OutlinePart] = {}
    sections: dict[int, list[SourceArticle]] = {}
    order: list[OutlinePart] = []
    for c in chapters:
        if c.level == 1:
            parts[c.id] = OutlinePart(c)
            order.append(parts[c.id])
    for c in chapters:
        if c.level == 2 and c.parent_id in parts:
            sections[c.id] = []
            parts[c.parent_id].sections.append((c, sections[c.id]))
    loose = OutlinePart(None)
    for a in articles:
        if a.section_id in sections:
            sections[a.section_id].append(a)
        elif a.chapter_id in parts:
            parts[a.chapter_id].articles.append(a)
        else:
            loose.articles.append(a)
    return ([loose] if loose.articles else []) + order


@dataclass
class SearchHit:
    article: SourceArticle
    segments: list[tuple[str, bool]]  # (text, is a match) around the first match


@dataclass
class SearchResult:
    query: str
    hits: list[SearchHit]
    total: int
    jump: SourceArticle | None = None  # the query named an article (第十条, 10): go straight there


def search(query: str, document: SourceDocument | None = None, limit: int = 50) -> SearchResult:
    """Articles containing every word of the query (in one document or all); 第十条 or 10 finds that article."""
    query = (query or "").strip()[:100]
    terms = [t for t in SPACE_RE.split(query) if t][:5]
    if not terms:
        return SearchResult(query, [], 0)
    jump = None
    number = parse_article(query) if re.fullmatch(r"第\S+条", query) else (int(query) if query.isdigit() else None)
    if document is not None and number and number < 100000:
        jump = db.session.scalar(select(SourceArticle).where(SourceArticle.document_id == document.id,
                                                             SourceArticle.number == number))
    stmt = select(SourceArticle).options(selectinload(SourceArticle.document))
    if document is not None:
        stmt = stmt.where(SourceArticle.document_id == document.id)
    for t in terms:
        stmt = stmt.where(SourceArticle.text.contains(t, autoescape=True))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = db.session.scalars(stmt.order_by(SourceArticle.document_id, SourceArticle.number).limit(limit))
    hits = [SearchHit(a, snippet(a.text, terms)) for a in rows]
    return SearchResult(query, hits, total, jump)


def snippet(text: str, terms: list[str], width: int = 60) -> list[tuple[str, bool]]:
    """A piece of text around the first match, split into (text, is a match) segments."""
    flat = text.replace("\n", " ")
    first = min((flat.find(t) for t in terms if t in flat), default=0)
    start = max(0, first - width // 2)
    end = min(len(flat), start + width * 2)
    piece = ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))
    out, pos = [], 0
    for m in pattern.finditer(piece):
        if m.start() > pos:
            out.append((piece[pos:m.start()], False))
        out.append((m.group(0), True))
        pos = m.end()
    if pos < len(piece):
        out.append((piece[pos:], False))
    return out


def article_coverage(article: SourceArticle) -> ArticleCoverage:
    """Questions on one article: reviewed ones by type, drafts, and those waiting for re-review."""
    row = ArticleCoverage(article, Counter())
    for number, qtype, state, n in banks.citing_counts(article.document.names):
        if number != article.number:
            continue
        if state == ReviewState.reviewed:
            row.by_type[qtype] += n
        elif state == ReviewState.draft:
            row.drafts += n
        else:
            row.rereview += n
    return row


def load_defaults(slug: str | None) -> dict:
    """The load form filled in for a new version of an existing document (or just the slug)."""
    doc = db.session.scalar(select(SourceDocument).where(SourceDocument.slug == slug)) if slug else None
    if doc is None:
        return {"slug": slug or ""}
    return {"slug": doc.slug, "title": doc.title, "aliases": "、".join(doc.aliases or []), "issuer": doc.issuer,
            "published_on": doc.published_on, "effective_on": doc.effective_on}


def revisions(doc: SourceDocument) -> list[SourceRevision]:
    return list(db.session.scalars(select(SourceRevision).where(SourceRevision.document_id == doc.id)
                                   .order_by(SourceRevision.loaded_at.desc(), SourceRevision.id.desc())))


def get_revision(doc: SourceDocument, revision_id: int) -> SourceRevision:
    rev = db.session.get(SourceRevision, revision_id)
    if rev is None or rev.document_id != doc.id:
        raise NotFound("没有这次导入记录")
    return rev


# ---- coverage -----------------------------------------------------------------------------------


@dataclass
class ArticleCoverage:
    article: SourceArticle
    by_type: Counter  # reviewed, active questions by type
    drafts: int = 0
    rereview: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_type.values())

    @property
    def covered(self) -> bool:
        return self.total > 0


@dataclass
class ChapterCoverage:
    part: OutlinePart
    rows: list[ArticleCoverage]

    @property
    def covered(self) -> int:
        return sum(1 for r in self.rows if r.covered)


@dataclass
class Coverage:
    document: SourceDocument
    chapters: list[ChapterCoverage]
    by_type: Counter
    drafts: int
    rereview: int
    stray: int  # questions citing an article number this document does not have

    @property
    def rows(self) -> list[ArticleCoverage]:
        return [r for c in self.chapters for r in c.rows]

    @property
    def covered(self) -> int:
        return sum(1 for r in self.rows if r.covered)

    @property
    def uncovered(self) -> int:
        return len(self.rows) - self.covered

    @property
    def percent(self) -> int:
        return round(100 * self.covered / len(self.rows)) if self.rows else 0


def coverage(doc: SourceDocument) -> Coverage:
    """Per chapter and article: reviewed, active questions by type (across all banks), drafts and re-reviews."""
    counts: dict[int | None, Counter] = defaultdict(Counter)
    drafts: Counter = Counter()
    rereview: Counter = Counter()
    for article, qtype, state, n in banks.citing_counts(doc.names):
        if state == ReviewState.reviewed:
            counts[article][qtype] += n
        elif state == ReviewState.draft:
            drafts[article] += n
        else:
            rereview[article] += n
    parts = outline(doc)
    numbers = {a.number for p in parts for a in p.all_articles}
    chapters = [ChapterCoverage(p, [ArticleCoverage(a, counts.get(a.number, Counter()), drafts[a.number],
                                                    rereview[a.number]) for a in p.all_articles]) for p in parts]
    total: Counter = Counter()
    for c in counts.values():
        total.update(c)
    stray = sum(sum(c.values()) for n, c in counts.items() if n not in numbers) + sum(
        v for n, v in drafts.items() if n not in numbers) + sum(v for n, v in rereview.items() if n not in numbers)
    return Coverage(doc, chapters, total, sum(drafts.values()), sum(rereview.values()), stray)


@dataclass
class DocumentSummary:
    document: SourceDocument
    articles: int
    covered: int
    drafts: int
    rereview: int

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.articles) if self.articles else 0


def summaries() -> list[DocumentSummary]:
    """Every document with its coverage in brief (one counting query per document)."""
    out = []
    for doc in list_documents():
        reviewed, drafts, rereview = set(), 0, 0
        numbers = set(db.session.scalars(select(SourceArticle.number).where(SourceArticle.document_id == doc.id)))
        for article, _t, state, n in banks.citing_counts(doc.names):
            if state == ReviewState.reviewed and article in numbers:
                reviewed.add(article)
            elif state == ReviewState.draft:
                drafts += n
            elif state == ReviewState.needs_review:
                rereview += n
        out.append(DocumentSummary(doc, len(numbers), len(reviewed), drafts, rereview))
    return out


# ---- drafting -------------------------------------------------------------------------------------


@dataclass
class DraftResult:
    bank_slug: str
    bank_title: str
    created: int
    candidates: int


def drafting_banks(doc: SourceDocument) -> list:
    """Banks drafts for this document may go into: those built on it first."""
    found = banks.citing_banks(doc.names)
    names = {clean_name(n) for n in doc.names}
    return sorted(found, key=lambda b: (clean_name(b.source) not in names, b.id))


def _target_bank(actor, doc: SourceDocument, bank_slug: str | None, ip: str):
    if bank_slug:
        return banks.get_bank(bank_slug)
    found = drafting_banks(doc)
    if found:
        return found[0]
    slug = doc.slug if not _bank_exists(doc.slug) else f"{doc.slug}-drafts"[:64]
    return banks.create_bank(actor, slug, f"{drafting.short_title(doc.title)}题库", source=doc.title,
                             source_version=doc.version_label, ip=ip, commit=False)


def _bank_exists(slug: str) -> bool:
    try:
        banks.get_bank(slug)
    except NotFound:
        return False
    return True


def draft_questions(actor, doc: SourceDocument, articles: list[int] | None = None, bank_slug: str | None = None,
                    ip: str = "") -> DraftResult:
    """Draft questions from the text (all articles, or the given ones) into a bank as 草稿 for review;
    nothing close to an existing question on the same articles is drafted again."""
    numbers = {a.number for a in doc.articles}
    if articles is not None:
        missing = [n for n in articles if n not in numbers]
        if missing:
            raise ServiceError(f"《{doc.title}》没有第{int_to_cn(missing[0])}条", field="article")
    bank = _target_bank(actor, doc, bank_slug, ip)
    existing = [drafting.Existing(v.type, v.stem, list(v.options or []), v.answer)
                for v in banks.citing_versions(doc.names, articles)]
    texts = [drafting.ArticleText(a.number, a.paragraphs) for a in doc.articles]
    drafts = drafting.draft_document(doc.title, texts, set(articles) if articles is not None else None, existing)
    by_number = {a.number: a for a in doc.articles}
    cites_by_default = clean_name(bank.source) in {clean_name(n) for n in doc.names}
    created = 0
    for d in drafts:
        article = by_number[d.article]
        chapter_id = None
        if article.chapter is not None:
            chapter_id = banks.ensure_chapter(bank, [article.chapter.heading, article.chapter.title],
                                              f"{article.chapter.number}").id
        label = f"第{int_to_cn(d.article)}条"
        reference = label if cites_by_default else f"《{doc.title}》{label}"
        key = "src-" + hashlib.sha1(f"{doc.slug}|{d.type}|{d.stem}".encode()).hexdigest()[:16]
        raw = RawQuestion(line=0, type=d.type, stem=d.stem, options=d.options, answer=d.answer,
                          explanation=d.explanation, reference=reference, difficulty=d.difficulty, tags=[DRAFT_TAG],
                          key=key)
        try:
            # drafted by the rules, not by a person: any admin may review it
            banks.save_question(None, bank, raw, chapter_id, origin="drafted", commit=False, ip=ip)
        except ServiceError:
            continue  # the same draft is already in this bank
        created += 1
    audit.record(actor, "source.draft", f"《{doc.title}》→{bank.slug}", ip=ip, drafted=created,
                 articles=sorted(articles) if articles is not None else "全部")
    db.session.commit()
    return DraftResult(bank.slug, bank.title, created, len(drafts))


def draft_scope(actor, doc: SourceDocument, scope: str, article: int | None, bank_slug: str | None,
                ip: str = "") -> DraftResult:
    """Draft for one article, for every article without a reviewed question, or for the whole text."""
    if scope == "article":
        if not article:
            raise ServiceError("请指定条号", field="article")
        return draft_questions(actor, doc, [article], bank_slug, ip)
    if scope == "uncovered":
        numbers = [r.article.number for r in coverage(doc).rows if not r.covered]
        if not numbers:
            raise ServiceError("所有条文都已有审核过的题目")
        return draft_questions(actor, doc, numbers, bank_slug, ip)
    return draft_questions(actor, doc, None, bank_slug, ip)


def bank_choices(doc: SourceDocument) -> list[tuple[str, str]]:
    """(slug, label) of the banks drafts may go into: those built on this document first."""
    first = drafting_banks(doc)
    rest = [b for b in banks.list_banks() if b not in first]
    out = [(b.slug, f"{b.title}（依据本文件）" if b in first else b.title) for b in first + rest]
    if not first:
        out.insert(0, ("", f"新建「{drafting.short_title(doc.title)}题库」"))
    return out


# ---- the review queue -----------------------------------------------------------------------------


QUEUE_STATES = {"drafted": "起草待审", "rereview": "修订待复审"}


def review_queue(doc: SourceDocument | None, state: str, page: int = 1, article: int | None = None) -> Page:
    """A page of (Question, version) waiting for an admin: drafts made from the text, or questions flagged
    for re-review after a revision."""
    return banks.citing_queue(doc.names if doc else None, state if state in QUEUE_STATES else "drafted", page,
                              article=article if doc else None)


def queue_counts(doc: SourceDocument | None = None) -> dict[str, int]:
    return {state: review_queue(doc, state, 1).total for state in QUEUE_STATES}


def accept_question(actor, question_id: int, ip: str = ""):
    """Accept a draft (or a flagged question) as reviewed; the usual rule applies: not by its own author."""
    q = banks.get_question(question_id)
    if q.status != QuestionStatus.active:
        raise ServiceError("这道题已停用")
    if q.review_state == ReviewState.reviewed:
        raise ServiceError("这道题已经审核过了")
    banks.review_question(actor, q, ip=ip)
    return q


def discard_question(actor, question_id: int, ip: str = ""):
    """Discard a draft: it is retired (kept, so the same draft is not proposed again)."""
    q = banks.get_question(question_id)
    if q.review_state == ReviewState.reviewed:
        raise ServiceError("已审核的题目请在题库中停用")
    if q.status == QuestionStatus.retired:
        raise ServiceError("这道题已经舍弃了")
    banks.set_status(actor, q, QuestionStatus.retired, ip=ip)
    return q


# ---- for the home page ----------------------------------------------------------------------------


def admin_overview() -> dict:
    """Documents loaded, articles without a reviewed question, and questions waiting in the queue."""
    sums = summaries()
    return {"documents": len(sums), "uncovered": sum(s.articles - s.covered for s in sums),
            "drafts": sum(s.drafts for s in sums), "rereview": sum(s.rereview for s in sums), "summaries": sums}
