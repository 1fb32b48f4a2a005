"""Importing a bank file: parse, check every question, plan the changes, write them in one transaction.

An import with any error writes nothing. Re-importing the same file changes nothing; a changed
question gets a new version; questions missing from the file are left alone unless retire_missing.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import insert, select

from trainer.audit import service as audit
from trainer.banks.content import Issue, QuestionData, build_question, has_control
from trainer.banks.importers import FORMATS, ParseError, RawBank, detect_format, parse
from trainer.banks.models import Bank, Chapter, Question, QuestionStatus, QuestionVersion, ReviewState
from trainer.extensions import db
from trainer.grading.normalise import compact
from trainer.timeutil import utcnow

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")


@dataclass
class PlanItem:
    action: str  # new | changed | unchanged | moved
    data: QuestionData
    question_id: int | None = None


@dataclass
class ImportReport:
    path: str
    fmt: str = ""
    bank_slug: str = ""
    bank_title: str = ""
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    items: list[PlanItem] = field(default_factory=list)
    retired: int = 0
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for i in self.items if i.action == action)

    @property
    def imported(self) -> int:
        return self.count("new")

    @property
    def updated(self) -> int:
        return self.count("changed") + self.count("moved")

    @property
    def unchanged(self) -> int:
        return self.count("unchanged")

    def summary(self) -> str:
        text = f"imported {self.imported}, updated {self.updated}, unchanged {self.unchanged}"
        return text + (f", retired {self.retired}" if self.retired else "")

    def error_lines(self) -> list[str]:
        return [i.text(self.path) for i in self.errors]


def _review_from_file(raw: RawBank, q: QuestionData) -> tuple[ReviewState, str, datetime | None]:
    state = (q.review or raw.review_state or "draft").strip().lower()
    if state in ("reviewed", "已审核") and (raw.reviewed_by or q.review):
        when = None
        if raw.reviewed_at:
            try:
                when = datetime.fromisoformat(str(raw.reviewed_at))
            except ValueError:
                when = None
        return ReviewState.reviewed, (raw.reviewed_by or "导入文件标注已审核"), when or utcnow()
    return ReviewState.draft, "", None


def _chapter_key(text: str) -> str:
    return compact(text)


def import_bank(data: bytes, filename: str, fmt: str | None = None, bank_slug: str | None = None,
                bank_title: str | None = None, dry_run: bool = False, retire_missing: bool = False,
                actor=None, ip: str = "") -> ImportReport:
    """Import (or with dry_run, only check and plan) one file into a bank."""
    report = ImportReport(path=filename, dry_run=dry_run)
    fmt = fmt if fmt and fmt != "auto" else detect_format(filename, data)
    if fmt not in FORMATS:
        report.errors.append(Issue(0, "", "无法判断文件格式，请指定格式（yaml/json/xlsx/csv/txt/gift/moodle-xml/aiken）"))
        return report
    report.fmt = fmt
    try:
        raw = parse(data, filename, fmt)
    except ParseError as exc:
        report.errors.extend(exc.issues)
        return report
    report.warnings.extend(raw.warnings)
    if has_control([raw.title, raw.source, raw.slug, [t for _, t in raw.chapters or []]]):
        report.errors.append(Issue(0, "", "题库标题、来源或章节名含有不可见的控制字符（如 \\x00），文件可能已损坏"))
        return report

    slug = (bank_slug or raw.slug or "").strip()
    if not slug:
        report.errors.append(Issue(0, "", "请指定要导入的题库（页面上选择题库，或命令行加 --bank 题库标识）"))
        return report
    if not SLUG_RE.match(slug):
        report.errors.append(Issue(0, "", f"题库标识「{slug}」无效：只能用小写字母、数字和连字符"))
        return report
    bank = db.session.scalar(select(Bank).where(Bank.slug == slug))
    report.bank_slug = slug
    report.bank_title = (bank.title if bank else None) or bank_title or raw.title or slug
    default_document = raw.source or (bank.source if bank else "") or ""

    # check every question
    datas: list[QuestionData] = []
    for rq in raw.questions:
        qd, issues = build_question(rq, default_document)
        report.errors.extend(i for i in issues if not i.warning)
        if qd is not None:
            datas.append(qd)
    seen: dict[str, int] = {}
    for qd in datas:
        if qd.key in seen:
            report.errors.append(Issue(qd.line, "key", f"编号「{qd.key}」与第 {seen[qd.key]} 行的题目重复"))
        seen.setdefault(qd.key, qd.line)

    # chapters: the file's list (YAML/JSON) or names in the questions matched to the bank's chapters
    existing_chapters = {c.code: c for c in bank.chapters} if bank else {}
    file_chapters = raw.chapters or []
    codes = {code for code, _ in file_chapters} | set(existing_chapters)
    by_title = {_chapter_key(c.title): c.code for c in existing_chapters.values()}
    by_title.update({_chapter_key(t): c for c, t in file_chapters})
    new_chapters: list[tuple[str, str]] = []
    for qd in datas:
        if qd.chapter is None:
            continue
        if qd.chapter in codes:
            continue
        if _chapter_key(qd.chapter) in by_title:
            qd.chapter = by_title[_chapter_key(qd.chapter)]
            continue
        if raw.chapters:
            report.errors.append(Issue(qd.line, "chapter", f"章节「{qd.chapter}」不在文件的 chapters 列表中"))
            continue
        code = str(len(codes) + 1)
        while code in codes:
            code = str(int(code) + 1)
        codes.add(code)
        by_title[_chapter_key(qd.chapter)] = code
        new_chapters.append((code, qd.chapter))
        report.warnings.append(Issue(qd.line, "chapter", f"将新建章节「{qd.chapter}」", warning=True))
        qd.chapter = code
    if report.errors:
        return report

    # plan against what the bank holds
    existing: dict[str, tuple[int, str, int | None, QuestionStatus, str]] = {}
    if bank is not None:
        rows = db.session.execute(
            select(Question.id, Question.key, QuestionVersion.content_hash, Question.chapter_id, Question.status,
                   QuestionVersion.stem)
            .join(QuestionVersion, (QuestionVersion.question_id == Question.id) & (QuestionVersion.n == Question.current_n))
            .where(Question.bank_id == bank.id)).all()
        existing = {r.key: (r.id, r.content_hash, r.chapter_id, r.status, r.stem) for r in rows}
    chapter_ids = {code: c.id for code, c in existing_chapters.items()}
    for qd in datas:
        old = existing.get(qd.key)
        if old is None:
            report.items.append(PlanItem("new", qd))
            continue
        qid, old_hash, old_chapter, old_status, _ = old
        wanted_status = QuestionStatus(qd.status) if qd.status in ("active", "retired") else old_status
        if old_hash != qd.content_hash:
            report.items.append(PlanItem("changed", qd, qid))
        elif (qd.chapter and chapter_ids.get(qd.chapter) != old_chapter) or wanted_status != old_status:
            report.items.append(PlanItem("moved", qd, qid))
        else:
            report.items.append(PlanItem("unchanged", qd, qid))
    _near_duplicates(report, datas, existing)
    missing = [v[0] for k, v in existing.items() if k not in seen and v[3] == QuestionStatus.active]
    report.retired = len(missing) if retire_missing else 0
    if dry_run:
        return report
    try:
        _write(report, raw, bank, slug, bank_title, new_chapters, missing if retire_missing else [], actor)
        if actor is not None:
            audit.record(actor, "bank.import", f"{report.bank_title}（{slug}）", ip=ip, file=filename,
                         summary=report.summary())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    report.written = True
    return report


def _near_duplicates(report: ImportReport, datas: list[QuestionData], existing: dict) -> None:
    """Warn about stems that are the same once punctuation, spaces and blanks are ignored."""
    def core(stem: str) -> str:
        return re.sub(r"[\W_]+", "", compact(stem))

    owners: dict[str, list[str]] = defaultdict(list)
    lines: dict[str, int] = {}
    for key, old in existing.items():
        owners[core(old[4])].append(key)
    for qd in datas:
        c = core(qd.stem)
        if qd.key not in owners[c]:
            owners[c].append(qd.key)
        lines[qd.key] = qd.line
    for keys in owners.values():
        if len(keys) > 1:
            for key in keys[1:]:
                if key in lines:
                    report.warnings.append(Issue(lines[key], "stem", f"题干与题目「{keys[0]}」几乎相同", warning=True))


def _write(report: ImportReport, raw: RawBank, bank: Bank | None, slug: str, bank_title: str | None,
           new_chapters: list[tuple[str, str]], retire_ids: list[int], actor) -> None:
    now = utcnow()
    if bank is None:
        bank = Bank(slug=slug, title=bank_title or raw.title or slug, source=raw.source or "",
                    source_version=raw.source_version or "", description=raw.description or "",
                    allow_drafts_in_practice=bool(raw.allow_drafts_in_practice))
        db.session.add(bank)
    else:
        for attr in ("title", "source", "source_version", "description"):
            value = getattr(raw, attr)
            if value:
                setattr(bank, attr, value)
        if raw.allow_drafts_in_practice is not None:
            bank.allow_drafts_in_practice = bool(raw.allow_drafts_in_practice)
    db.session.flush()
    chapters = {c.code: c for c in bank.chapters}
    order = len(chapters)
    for i, (code, title) in enumerate(raw.chapters or []):
        ch = chapters.get(code)
        if ch is None:
            ch = chapters[code] = Chapter(bank=bank, code=code, title=title, sort_order=i)
            db.session.add(ch)
        else:
            ch.title, ch.sort_order = title, i
    for code, title in new_chapters:
        order += 1
        chapters[code] = Chapter(bank=bank, code=code, title=title, sort_order=order)
        db.session.add(chapters[code])
    db.session.flush()
    chapter_id = {code: c.id for code, c in chapters.items()}
    author_id = getattr(actor, "id", None)

    new_items = [i for i in report.items if i.action == "new"]
    if new_items:
        rows = []
        for item in new_items:
            state, by, at = _review_from_file(raw, item.data)
            rows.append({"bank_id": bank.id, "chapter_id": chapter_id.get(item.data.chapter), "key": item.data.key,
                         "status": QuestionStatus(item.data.status or "active"), "review_state": state,
                         "reviewed_by_name": by, "reviewed_at": at, "author_id": author_id,
                         "source_version": bank.source_version, "origin": "import", "current_n": 1, "created_at": now})
        ids = db.session.scalars(insert(Question).returning(Question.id, sort_by_parameter_order=True), rows).all()
        db.session.execute(insert(QuestionVersion), [_version_row(qid, 1, item.data, now, author_id)
                                                     for qid, item in zip(ids, new_items, strict=True)])
    changed = [i for i in report.items if i.action in ("changed", "moved")]
    if changed:
        questions = {q.id: q for q in db.session.scalars(
            select(Question).where(Question.id.in_([i.question_id for i in changed])))}
        for item in changed:
            q = questions[item.question_id]
            if item.data.chapter:
                q.chapter_id = chapter_id.get(item.data.chapter)
            if item.data.status in ("active", "retired"):
                q.status = QuestionStatus(item.data.status)
            if item.action == "changed":
                q.current_n += 1
                db.session.execute(insert(QuestionVersion), [_version_row(q.id, q.current_n, item.data, now, author_id,
                                                                          "导入文件中的修改")])
                state, by, at = _review_from_file(raw, item.data)
                q.review_state, q.reviewed_by_name, q.reviewed_at, q.reviewed_by_id = state, by, at, None
                q.source_version = bank.source_version
    if retire_ids:
        for q in db.session.scalars(select(Question).where(Question.id.in_(retire_ids))):
            q.status = QuestionStatus.retired
    bank.updated_at = now


def _version_row(question_id: int, n: int, d: QuestionData, now, author_id, note: str = "") -> dict:
    return {"question_id": question_id, "n": n, "type": d.type, "stem": d.stem, "options": d.options,
            "answer": d.answer, "explanation": d.explanation, "reference": d.reference,
            "ref_document": d.ref_document, "ref_article": d.ref_article, "difficulty": d.difficulty,
            "tags": d.tags, "content_hash": d.content_hash, "created_at": now, "created_by_id": author_id,
            "change_note": note}
