"""Certificates: templates, issuing with serials, verification, revocation and reissue, PDFs and ZIPs.

Other domains issue certificates through issue() / issue_batch() with a subject_ref naming what the
certificate is for ("exam:12", "term:3", "competition:5", "team:2"), and register a source so that
admins and `flask --app trainer issue-certificates --exam ID` can issue a whole batch:

    from trainer.certificates import service as certificates
    certificates.register_source("exam", lambda exam_id: [...IssueSpec...], "考试")
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import logging
import re
import secrets
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import current_app, has_request_context, request
from PIL import Image, UnidentifiedImageError
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import selectinload

from trainer.audit import service as audit
from trainer.certificates import render
from trainer.certificates.models import (
    Award,
    Certificate,
    CertificateKind,
    CertificateSerial,
    CertificateTemplate,
    DateStyle,
)
from trainer.cnnum import CN_DIGITS, int_to_cn
from trainer.errors import NotFound, ServiceError
from trainer.extensions import db
from trainer.org.models import OrgUnit, Role, User
from trainer.tabular import build_workbook
from trainer.timeutil import local_today, utcnow
from trainer.web import Page, paginate

log = logging.getLogger(__name__)

audit.register_actions({
    "certificate.issue": "颁发证书", "certificate.revoke": "撤销证书", "certificate.reissue": "补发证书",
    "certificate.template": "修改证书模板",
})

PLACEHOLDERS = ("姓名", "单位", "考试", "成绩", "期次", "奖项", "日期")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
SERIAL_PREFIX = "TZB"
SERIAL_RE = re.compile(r"^[A-Z]{2,8}-\d{4}-\d{6,}$")
CODE_LENGTH = 12
SEAL_MAX_BYTES = 1024 * 1024
SEAL_MIN_PX, SEAL_MAX_PX = 100, 2400
MAX_ZIP = 2000

DEFAULT_TEMPLATES: dict[CertificateKind, dict[str, str]] = {
    CertificateKind.passed: {
        "title": "合格证书",
        "body": "{姓名}同志：\n于{日期}参加{考试}，考核合格，特发此证。",
        "signature": "",
    },
    CertificateKind.completion: {
        "title": "结业证书",
        "body": "{姓名}同志：\n参加{期次}{考试}学习，完成规定课程，考勤与随堂测验均达到要求，准予结业，特发此证。",
        "signature": "",
    },
    CertificateKind.honour: {
        "title": "荣誉证书",
        "body": "{姓名}同志：\n在{考试}中表现优异，荣获{奖项}。特发此证，以资鼓励。",
        "signature": "",
    },
    CertificateKind.mentoring: {
        "title": "荣誉证书",
        "body": "{姓名}同志：\n作为{考试}成员，在{期次}“传帮带”结对培养中认真履职、共同进步，圆满完成培养任务。特发此证，以资鼓励。",
        "signature": "",
    },
}


# ---- the source registry --------------------------------------------------------------------

@dataclass
class IssueSpec:
    """One certificate to issue; holder is a User or a user id."""

    kind: CertificateKind | str
    holder: User | int
    title: str
    subject_ref: str
    score: float | None = None
    award: Award | str | None = None
    period: str | None = None
    issued_on: date | None = None


@dataclass(frozen=True)
class Source:
    """A registered way to list who gets certificates for one exam, term, competition or team."""

    name: str
    label: str
    fn: Callable[[int], Iterable[IssueSpec | dict]]


# where each batch comes from: registered by the domain that owns it (exams, nightschool, competitions)
SOURCE_LABELS = {"exam": "考试", "term": "夜校期次", "competition": "竞赛", "team": "传帮带小组"}
SOURCE_OWNERS = {"exam": "考试（exams）", "term": "夜校（nightschool）", "competition": "竞赛（competitions）",
                 "team": "传帮带（mentoring）"}
SOURCES: dict[str, Source] = {}


def register_source(name: str, fn: Callable[[int], Iterable[IssueSpec | dict]], label: str | None = None) -> None:
    """Let admins and the issue-certificates command issue a batch for `name` ID: fn(ID) returns the specs."""
    SOURCES[name] = Source(name, label or SOURCE_LABELS.get(name, name), fn)


def get_source(name: str) -> Source:
    """The registered source, or a ServiceError naming the domain that has not registered it."""
    source = SOURCES.get(name)
    if source is None:
        owner = SOURCE_OWNERS.get(name, name)
        raise ServiceError(f"{owner}模块尚未接入证书颁发（没有名为 {name} 的证书来源），暂不能按{SOURCE_LABELS.get(name, name)}批量颁发")
    return source


@dataclass
class BatchResult:
    """The certificates of a batch in the order asked for; new counts those issued by this call."""

    certificates: list[Certificate]
    new: int

    @property
    def existing(self) -> int:
        return len(self.certificates) - self.new


def issue_from_source(name: str, ident: int, issued_by: User | None = None, ip: str = "") -> BatchResult:
    """Issue everything source `name` lists for ident (those already holding one keep theirs)."""
    source = get_source(name)
    specs = list(source.fn(ident) or [])
    if not specs:
        raise ServiceError(f"{source.label} {ident} 没有需要颁发证书的人员")
    return _issue(specs, issued_by, commit=True, ip=ip)


# ---- templates --------------------------------------------------------------------------------

def _kind(value) -> CertificateKind:
    kind = value if isinstance(value, CertificateKind) else CertificateKind.from_label(str(value or ""))
    if kind is None:
        raise ServiceError(f"证书类型「{value}」不存在", field="kind")
    return kind


def get_template(kind: CertificateKind | str) -> CertificateTemplate:
    """The template of kind, or (unsaved) the default one when none has been saved yet."""
    kind = _kind(kind)
    tpl = db.session.scalar(select(CertificateTemplate).where(CertificateTemplate.kind == kind))
    if tpl is None:
        d = DEFAULT_TEMPLATES[kind]
        tpl = CertificateTemplate(kind=kind, title=d["title"], body=d["body"], signature=d["signature"],
                                  issuer=current_app.config.get("ORG_NAME") or "", date_style=DateStyle.chinese)
    return tpl


def _saved_template(kind: CertificateKind) -> CertificateTemplate:
    """The template of kind, saved (flushed) first if it is still the default."""
    tpl = get_template(kind)
    if tpl.id is None:
        db.session.add(tpl)
        db.session.flush()
    return tpl


def list_templates() -> list[CertificateTemplate]:
    """One template per kind, in the kinds' order (defaults for those never saved)."""
    return [get_template(k) for k in CertificateKind]


def template_problems(title: str, body: str, issuer: str) -> dict[str, str]:
    """Field → Chinese reason for what is wrong with a template's text (empty when fine)."""
    problems: dict[str, str] = {}
    if not (title or "").strip():
        problems["title"] = "请填写证书标题"
    elif len(title.strip()) > 20:
        problems["title"] = "证书标题不超过 20 个字"
    unknown = sorted({p for p in PLACEHOLDER_RE.findall(body or "") if p not in PLACEHOLDERS})
    if not (body or "").strip():
        problems["body"] = "请填写正文"
    elif unknown:
        problems["body"] = ("正文中有无法识别的占位符：" + "、".join("{" + u + "}" for u in unknown)
                            + "；可用：" + "".join("{" + p + "}" for p in PLACEHOLDERS))
    elif "{姓名}" not in body:
        problems["body"] = "正文须包含 {姓名}"
    elif len(body) > 600:
        problems["body"] = "正文不超过 600 字"
    if not (issuer or "").strip():
        problems["issuer"] = "请填写颁发单位"
    return problems


def update_template(actor, kind: CertificateKind | str, title: str, body: str, issuer: str,
                    date_style: DateStyle | str, signature: str = "", seal: bytes | None = None,
                    remove_seal: bool = False, ip: str = "") -> CertificateTemplate:
    """Save a template (and a new seal image, checked by content, or none); all or nothing.
    Certificates of this kind are drawn with it from now on."""
    problems = template_problems(title, body, issuer)
    if problems:
        field_name, message = next(iter(problems.items()))
        raise ServiceError(message, field=field_name)
    if seal is not None:
        check_seal(seal)
    tpl = _saved_template(_kind(kind))
    old_seal = seal_path(tpl)
    tpl.title, tpl.body, tpl.issuer = title.strip(), body.strip().replace("\r\n", "\n"), issuer.strip()
    tpl.date_style = DateStyle(date_style)
    tpl.signature = (signature or "").strip()
    tpl.updated_by_id = getattr(actor, "id", None)
    if seal is not None:
        tpl.seal_file = f"seal-{tpl.kind.value}-{secrets.token_hex(8)}.png"
        (_seal_folder() / tpl.seal_file).write_bytes(seal)
    elif remove_seal:
        tpl.seal_file = None
    audit.record(actor, "certificate.template", tpl.kind.label, ip=ip,
                 seal="new" if seal is not None else ("removed" if remove_seal else "kept"))
    db.session.commit()
    if old_seal and old_seal != seal_path(tpl):
        Path(old_seal).unlink(missing_ok=True)
    return tpl


def _seal_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_DIR"]) / "certificates"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def seal_path(tpl: CertificateTemplate) -> str | None:
    """The seal image's file path, or None when the template has none (or its file is gone)."""
    if not tpl.seal_file:
        return None
    path = Path(current_app.config["UPLOAD_DIR"]) / "certificates" / tpl.seal_file
    return str(path) if path.exists() else None


def check_seal(data: bytes) -> None:
    """Raise a ServiceError unless data is a PNG with transparency of a sensible size."""
    if not data:
        raise ServiceError("请选择印章图片", field="seal")
    if len(data) > SEAL_MAX_BYTES:
        raise ServiceError(f"印章图片不能超过 {SEAL_MAX_BYTES // 1024} KB", field="seal")
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ServiceError("印章图片须为 PNG 格式（透明背景）；此文件不是 PNG", field="seal")
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            size, mode, info = img.size, img.mode, img.info
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ServiceError("印章图片已损坏，无法读取", field="seal") from exc
    if min(size) < SEAL_MIN_PX or max(size) > SEAL_MAX_PX:
        raise ServiceError(f"印章图片尺寸须在 {SEAL_MIN_PX}–{SEAL_MAX_PX} 像素之间（当前 {size[0]}×{size[1]}）", field="seal")
    if mode not in ("RGBA", "LA", "PA") and "transparency" not in info:
        raise ServiceError("印章图片须为透明背景的 PNG（否则会遮住落款文字）", field="seal")


def seal_bytes(kind: CertificateKind | str) -> bytes:
    """The seal image of kind's template (NotFound when there is none)."""
    path = seal_path(get_template(kind))
    if path is None:
        raise NotFound("该模板没有印章图片")
    return Path(path).read_bytes()


# ---- text on the certificate --------------------------------------------------------------------

def format_date(day: date, style: DateStyle = DateStyle.chinese) -> str:
    """二〇二六年十一月二十八日 (chinese) or 2026年11月28日 (numeric)."""
    if style == DateStyle.numeric:
        return f"{day.year}年{day.month}月{day.day}日"
    year = "".join("〇" if d == "0" else CN_DIGITS[int(d)] for d in str(day.year))
    return f"{year}年{int_to_cn(day.month)}月{int_to_cn(day.day)}日"


def format_score(score: float | None) -> str:
    """92 or 92.5, as printed; empty when there is no score."""
    if score is None:
        return ""
    return str(int(score)) if float(score).is_integer() else f"{score:.1f}".rstrip("0").rstrip(".")


def fill(body: str, values: dict[str, str]) -> str:
    """body with each {占位符} replaced by its value."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def body_for(cert: Certificate, tpl: CertificateTemplate) -> str:
    """The template's body with cert's values in its placeholders."""
    return fill(tpl.body, {
        "姓名": cert.holder_name, "单位": cert.holder_unit, "考试": cert.title, "成绩": format_score(cert.score),
        "期次": cert.period or "", "奖项": cert.award.label if cert.award else "",
        "日期": format_date(cert.issued_on, tpl.date_style),
    })


# ---- serials and codes ------------------------------------------------------------------------

def verification_code(serial: str, holder_id: int) -> str:
    """The code printed on the certificate: an HMAC of serial and holder with the app's secret key."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"certificate:{serial}:{holder_id}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:CODE_LENGTH]


def normalise_code(code: str | None) -> str:
    """A code as typed from paper: case, dashes and spaces ignored, 0/1/8 read as O/I/B."""
    text = re.sub(r"[\s\-_]", "", (code or "")).upper()
    return text.translate(str.maketrans("018", "OIB"))[:64]


def public_base_url() -> str:
    """The address printed in QR codes: TRAINER_PUBLIC_URL, else this request's host."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").strip().rstrip("/")
    if base:
        return base
    if has_request_context():
        return request.url_root.rstrip("/")
    log.warning("未设置 TRAINER_PUBLIC_URL，证书二维码使用 http://127.0.0.1:5000")
    return "http://127.0.0.1:5000"


def verify_url(cert: Certificate, base: str | None = None) -> str:
    """<base>/verify/<serial>?c=<code>: what the QR code holds."""
    return f"{base or public_base_url()}/verify/{cert.serial}?c={cert.code}"


def _prefix() -> str:
    return (current_app.config.get("CERT_SERIAL_PREFIX") or SERIAL_PREFIX).upper()


def _lock_serials(year: int) -> None:
    """Take the year's counter row for this transaction (created when missing), so that concurrent
    issuers wait for each other: a row lock on PostgreSQL, the write lock on SQLite."""
    table = CertificateSerial.__table__
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    db.session.execute(dialect_insert(table).values(year=year, last=0).on_conflict_do_nothing(index_elements=["year"]))
    db.session.execute(update(table).where(table.c.year == year).values(last=table.c.last))


def _allocate_serials(year: int, n: int) -> list[str]:
    """n consecutive serials of year (the counter is locked by _lock_serials first)."""
    table = CertificateSerial.__table__
    db.session.execute(update(table).where(table.c.year == year).values(last=table.c.last + n))
    last = db.session.execute(select(table.c.last).where(table.c.year == year)).scalar_one()
    prefix = _prefix()
    return [f"{prefix}-{year}-{k:06d}" for k in range(last - n + 1, last + 1)]


# ---- issuing ------------------------------------------------------------------------------------

def _spec(raw: IssueSpec | dict) -> IssueSpec:
    spec = raw if isinstance(raw, IssueSpec) else IssueSpec(**raw)
    spec.kind = _kind(spec.kind)
    if spec.award is not None and not isinstance(spec.award, Award):
        award = Award.from_label(str(spec.award))
        if award is None:
            raise ServiceError(f"奖项「{spec.award}」不存在（可用：一等奖、二等奖、三等奖、优秀奖）", field="award")
        spec.award = award
    spec.title = (spec.title or "").strip()
    spec.subject_ref = (spec.subject_ref or "").strip()
    spec.period = (spec.period or "").strip()
    if not spec.title:
        raise ServiceError("请填写证书事由（考试、期次或竞赛名称）", field="title")
    if len(spec.title) > 200:
        raise ServiceError("证书事由不超过 200 字", field="title")
    if not spec.subject_ref or len(spec.subject_ref) > 64:
        raise ServiceError("证书须注明事由标识（如 exam:12），不超过 64 个字符", field="subject_ref")
    if len(spec.period) > 80:
        raise ServiceError("期次不超过 80 字", field="period")
    if spec.score is not None:
        spec.score = float(spec.score)
        if not 0 <= spec.score <= 10000:
            raise ServiceError("成绩须在 0–10000 之间", field="score")
    return spec


def _key(holder_id: int, subject_ref: str, kind: CertificateKind) -> tuple:
    return holder_id, subject_ref, kind


def _valid_existing(keys: set[tuple]) -> dict[tuple, Certificate]:
    """The valid certificates among keys (holder id, subject_ref, kind)."""
    holder_ids = sorted({k[0] for k in keys})
    refs = {k[1] for k in keys}
    found: dict[tuple, Certificate] = {}
    for chunk in _chunks(holder_ids, 500):
        stmt = select(Certificate).where(Certificate.revoked_at.is_(None), Certificate.holder_id.in_(chunk))
        if len(refs) <= 50:
            stmt = stmt.where(Certificate.subject_ref.in_(refs))
        for c in db.session.scalars(stmt):
            key = _key(c.holder_id, c.subject_ref, c.kind)
            if key in keys:
                found[key] = c
    return found


def _chunks(items: list, n: int):
    for i in range(0, len(items), n):
        yield items[i:i + n]


def _holders(specs: list[IssueSpec]) -> dict[int, User]:
    ids = {s.holder.id if isinstance(s.holder, User) else int(s.holder) for s in specs}
    users: dict[int, User] = {}
    for chunk in _chunks(sorted(ids), 500):
        for u in db.session.scalars(select(User).where(User.id.in_(chunk))
                                    .options(selectinload(User.unit).selectinload(OrgUnit.parent))):
            users[u.id] = u
    missing = ids - users.keys()
    if missing:
        raise NotFound(f"用户不存在（编号 {min(missing)}）")
    return users


def _issue(raw_specs: Iterable[IssueSpec | dict], issued_by: User | None, commit: bool, ip: str = "",
           replaces: Certificate | None = None) -> BatchResult:
    specs = [_spec(s) for s in raw_specs]
    if not specs:
        return BatchResult([], 0)
    users = _holders(specs)
    today = local_today()
    keys = [_key(s.holder.id if isinstance(s.holder, User) else int(s.holder), s.subject_ref, s.kind) for s in specs]
    years = sorted({(s.issued_on or today).year for s in specs})
    for year in years:
        _lock_serials(year)
    # looked up only after taking the lock: a concurrent issuer of the same subject has committed by now
    existing = _valid_existing(set(keys))
    wanted: dict[tuple, IssueSpec] = {}
    for key, spec in zip(keys, specs):
        if key not in existing:
            wanted.setdefault(key, spec)
    serials: dict[int, list[str]] = {}
    for year in years:
        n = sum(1 for s in wanted.values() if (s.issued_on or today).year == year)
        if n:
            serials[year] = _allocate_serials(year, n)
    templates = {kind: _saved_template(kind) for kind in {s.kind for s in wanted.values()}}
    created: dict[tuple, Certificate] = {}
    for key, spec in wanted.items():
        holder = users[key[0]]
        day = spec.issued_on or today
        serial = serials[day.year].pop(0)
        cert = Certificate(
            serial=serial, code=verification_code(serial, holder.id), kind=spec.kind, holder_id=holder.id,
            holder_name=holder.name, holder_unit=holder.unit.full_name if holder.unit else "", title=spec.title,
            subject_ref=spec.subject_ref, score=spec.score, award=spec.award, period=spec.period, issued_on=day,
            issued_at=utcnow(), issued_by_id=getattr(issued_by, "id", None), template_id=templates[spec.kind].id,
            replaces_id=replaces.id if replaces is not None else None)
        created[key] = cert
    db.session.add_all(created.values())
    db.session.flush()
    if issued_by is not None and created and replaces is None:
        first = next(iter(created.values()))
        audit.record(issued_by, "certificate.issue", f"{first.title}（{len(created)} 张）", ip=ip,
                     subject_ref=first.subject_ref, kind=first.kind.value, count=len(created))
    if commit:
        db.session.commit()
    return BatchResult([existing.get(k) or created[k] for k in keys], len(created))


def issue(kind: CertificateKind | str, holder: User | int, title: str, subject_ref: str, *, score: float | None = None,
          award: Award | str | None = None, period: str | None = None, issued_by: User | None = None,
          issued_on: date | None = None, commit: bool = True) -> Certificate:
    """Issue one certificate; if the holder already has a valid one of this kind for subject_ref, return it."""
    spec = IssueSpec(kind, holder, title, subject_ref, score, award, period, issued_on)
    return _issue([spec], issued_by, commit).certificates[0]


def issue_batch(specs: Iterable[IssueSpec | dict], issued_by: User | None = None, commit: bool = True,
                ip: str = "") -> list[Certificate]:
    """Issue many at once (one lock, consecutive serials); holders who already have one keep it."""
    return _issue(specs, issued_by, commit, ip).certificates


def issue_with_counts(specs: Iterable[IssueSpec | dict], issued_by: User | None = None,
                      ip: str = "") -> BatchResult:
    """issue_batch, telling how many were new."""
    return _issue(specs, issued_by, True, ip)


# ---- reading ----------------------------------------------------------------------------------

def get_certificate(cert_id: int) -> Certificate:
    """The certificate with this id, else NotFound."""
    cert = db.session.get(Certificate, cert_id)
    if cert is None:
        raise NotFound("证书不存在")
    return cert


def get_by_serial(serial: str) -> Certificate | None:
    """The certificate with this serial (any case), else None."""
    serial = (serial or "").strip().upper()
    if not SERIAL_RE.match(serial):
        return None
    return db.session.scalar(select(Certificate).where(Certificate.serial == serial))


def get_for_subject(user: User, subject_ref: str, kind: CertificateKind | str | None = None) -> Certificate | None:
    """The user's valid certificate for subject_ref (e.g. to link it from an exam result), else None."""
    stmt = select(Certificate).where(Certificate.holder_id == user.id, Certificate.subject_ref == subject_ref,
                                     Certificate.revoked_at.is_(None))
    if kind is not None:
        stmt = stmt.where(Certificate.kind == _kind(kind))
    return db.session.scalars(stmt.order_by(Certificate.id.desc())).first()


def list_for_user(user: User) -> list[Certificate]:
    """All of the user's certificates, newest first (revoked ones included, marked)."""
    return list(db.session.scalars(
        select(Certificate).where(Certificate.holder_id == user.id)
        .options(selectinload(Certificate.replaced_by))
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())))


def can_download(user: User, cert: Certificate) -> bool:
    """Admins may download any certificate; a holder only their own valid ones."""
    if user.role == Role.admin:
        return True
    return cert.holder_id == user.id and cert.valid


@dataclass
class Filter:
    """What the register is narrowed to: text, kind, status (valid/revoked) and subject."""

    q: str = ""
    kind: CertificateKind | None = None
    status: str = ""  # "", "valid", "revoked"
    subject_ref: str = ""

    @property
    def active(self) -> bool:
        return bool(self.q or self.kind or self.status or self.subject_ref)


def _filtered(flt: Filter) -> Select:
    stmt = select(Certificate)
    if flt.q:
        like = f"%{flt.q.strip()}%"
        stmt = stmt.where(or_(Certificate.holder_name.like(like), Certificate.serial.like(like.upper()),
                              Certificate.title.like(like), Certificate.holder_unit.like(like)))
    if flt.kind:
        stmt = stmt.where(Certificate.kind == flt.kind)
    if flt.status == "valid":
        stmt = stmt.where(Certificate.revoked_at.is_(None))
    elif flt.status == "revoked":
        stmt = stmt.where(Certificate.revoked_at.isnot(None))
    if flt.subject_ref:
        stmt = stmt.where(Certificate.subject_ref == flt.subject_ref.strip())
    return stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc())


def list_certificates(flt: Filter, page: int = 1, per_page: int = 25) -> Page:
    """The register: one page of certificates matching flt, newest first."""
    return paginate(_filtered(flt), page, per_page)


def certificates_for_download(flt: Filter) -> list[Certificate]:
    """The certificates matching flt, for one ZIP (refused above MAX_ZIP)."""
    total = db.session.scalar(select(func.count()).select_from(_filtered(flt).order_by(None).subquery()))
    if not total:
        raise ServiceError("没有符合条件的证书")
    if total > MAX_ZIP:
        raise ServiceError(f"一次最多打包 {MAX_ZIP} 张证书（当前 {total} 张），请先筛选")
    return list(db.session.scalars(_filtered(flt).options(selectinload(Certificate.template))))


def subject_refs() -> list[tuple[str, str, int]]:
    """(subject_ref, a title, count) of every subject with certificates, most recent first."""
    rows = db.session.execute(
        select(Certificate.subject_ref, func.max(Certificate.title), func.count(), func.max(Certificate.id))
        .group_by(Certificate.subject_ref).order_by(func.max(Certificate.id).desc()).limit(200)).all()
    return [(ref, title, n) for ref, title, n, _ in rows]


def counts() -> dict[str, int]:
    """Valid certificates per kind value, plus "revoked" and "total"."""
    rows = db.session.execute(select(Certificate.kind, Certificate.revoked_at.is_(None), func.count())
                              .group_by(Certificate.kind, Certificate.revoked_at.is_(None))).all()
    out = {k.value: 0 for k in CertificateKind} | {"revoked": 0, "total": 0}
    for kind, valid, n in rows:
        out["total"] += n
        if valid:
            out[kind.value] += n
        else:
            out["revoked"] += n
    return out


EXPORT_HEADER = ["证书编号", "证书类型", "持证人", "单位", "事由", "期次", "奖项", "成绩", "颁发日期", "状态",
                 "撤销原因", "撤销时间", "补发自", "事由标识"]


def export_xlsx(flt: Filter) -> bytes:
    """The register (filtered) as an Excel workbook; text that looks like a formula is escaped."""
    from trainer.timeutil import format_local

    rows = []
    for c in db.session.scalars(_filtered(flt).options(selectinload(Certificate.replaces))):
        rows.append([c.serial, c.kind.label, c.holder_name, c.holder_unit, c.title, c.period or "",
                     c.award.label if c.award else "", c.score, c.issued_on, c.status_label, c.revoked_reason or "",
                     format_local(c.revoked_at), c.replaces.serial if c.replaces else "", c.subject_ref])
    return build_workbook([("证书登记", EXPORT_HEADER, rows)],
                          widths={"证书编号": 18, "事由": 40, "单位": 20, "颁发日期": 12, "撤销原因": 24})


# ---- verification -------------------------------------------------------------------------------

@dataclass
class Verification:
    """status: valid (有效), revoked (已撤销), missing (不存在) or unverified (wrong or missing code)."""

    status: str
    certificate: Certificate | None = None
    template: CertificateTemplate | None = field(default=None)

    LABELS = {"valid": "有效", "revoked": "已撤销", "missing": "不存在", "unverified": "无法验证"}

    @property
    def label(self) -> str:
        return self.LABELS[self.status]


def verify(serial: str, code: str | None) -> Verification:
    """What /verify/<serial> shows: the certificate only when the code matches serial and holder."""
    cert = get_by_serial(serial)
    if cert is None:
        return Verification("missing")
    expected = verification_code(cert.serial, cert.holder_id)
    if not code or not hmac.compare_digest(normalise_code(code).encode(), expected.encode()):
        return Verification("unverified")
    return Verification("valid" if cert.valid else "revoked", cert, cert.template or get_template(cert.kind))


# ---- revoking and reissuing ------------------------------------------------------------------------

def revoke(actor, cert: Certificate, reason: str, ip: str = "", commit: bool = True) -> Certificate:
    """Revoke a valid certificate with a reason; its verification page says so from now on."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写撤销原因", field="reason")
    if len(reason) > 200:
        raise ServiceError("撤销原因不超过 200 字", field="reason")
    if not cert.valid:
        raise ServiceError(f"证书 {cert.serial} 已于此前撤销")
    cert.revoked_at = utcnow()
    cert.revoked_reason = reason
    cert.revoked_by_id = getattr(actor, "id", None)
    db.session.flush()
    audit.record(actor, "certificate.revoke", f"{cert.serial} {cert.holder_name}", ip=ip, reason=reason)
    if commit:
        db.session.commit()
    return cert


REISSUE_REASONS = ("补发", "重新颁发")


def reissue(actor, cert: Certificate, reason: str = "补发", note: str = "", ip: str = "") -> Certificate:
    """A new certificate (new serial, the holder's current name and unit) replacing cert, which is
    revoked with the reason 补发 or 重新颁发 (if still valid)."""
    if cert.replaced_by is not None:
        raise ServiceError(f"该证书已补发过，新证书编号 {cert.replaced_by.serial}")
    if reason not in REISSUE_REASONS:
        raise ServiceError("补发原因须为「补发」或「重新颁发」", field="reason")
    text = reason + (f"：{note.strip()}" if (note or "").strip() else "")
    if cert.valid:
        revoke(actor, cert, text[:200], ip=ip, commit=False)
    else:
        clash = get_for_subject(cert.holder, cert.subject_ref, cert.kind)
        if clash is not None:
            raise ServiceError(f"持证人已有同一事由的有效证书 {clash.serial}，无需重新颁发")
    spec = IssueSpec(cert.kind, cert.holder_id, cert.title, cert.subject_ref, cert.score, cert.award, cert.period)
    new = _issue([spec], actor, commit=False, replaces=cert).certificates[0]
    audit.record(actor, "certificate.reissue", f"{cert.serial} → {new.serial} {new.holder_name}", ip=ip, reason=text)
    db.session.commit()
    return new


# ---- PDFs ---------------------------------------------------------------------------------------------

_fonts: dict[str | None, render.FontChoice] = {}


def certificate_font() -> render.FontChoice:
    """The font certificates are drawn with (chosen once per configured path)."""
    configured = current_app.config.get("CERT_FONT") or None
    if configured not in _fonts:
        _fonts[configured] = render.find_font(configured)
    return _fonts[configured]


def sheet_for(cert: Certificate, base: str | None = None) -> render.Sheet:
    """What is printed on cert, as text."""
    tpl = cert.template or get_template(cert.kind)
    return render.Sheet(
        heading=tpl.title, body=body_for(cert, tpl), issuer=tpl.issuer,
        date_text=format_date(cert.issued_on, tpl.date_style), serial=cert.serial, code=cert.code,
        url=verify_url(cert, base), signature=tpl.signature, seal_path=seal_path(tpl),
        watermark="" if cert.valid else "已撤销", highlight=(cert.holder_name,))


def render_pdf(cert: Certificate, font: render.FontChoice | None = None) -> bytes:
    """The certificate as a one-page A4 landscape PDF (revoked ones carry a 已撤销 mark)."""
    return render.render(sheet_for(cert), font or certificate_font())


def preview_pdf(kind: CertificateKind | str, holder: User) -> bytes:
    """A sample of the template of kind, marked 样张, with holder's name."""
    tpl = get_template(kind)
    sample = Certificate(serial=f"{_prefix()}-{local_today().year}-000000", code="SAMPLECODE00", kind=tpl.kind,
                         holder_id=holder.id, holder_name=holder.name,
                         holder_unit=holder.unit.full_name if holder.unit else "",
                         title="2026年第四季度《宗教事务条例》专题测验", score=96, award=Award.first,
                         period="2026年秋季夜校第12期", issued_on=local_today())
    sheet = render.Sheet(
        heading=tpl.title, body=body_for(sample, tpl), issuer=tpl.issuer,
        date_text=format_date(sample.issued_on, tpl.date_style), serial=sample.serial, code=sample.code,
        url=verify_url(sample), signature=tpl.signature, seal_path=seal_path(tpl), watermark="样张",
        highlight=(holder.name,))
    return render.render(sheet, certificate_font())


def pdf_filename(cert: Certificate) -> str:
    """TZB-2026-000123-王文华-合格证书.pdf"""
    safe = re.sub(r"[\\/:*?\"<>|\s]+", "", f"{cert.holder_name}-{cert.kind.label}")
    return f"{cert.serial}-{safe}.pdf"


def zip_of(certificates: Iterable[Certificate], font: render.FontChoice | None = None) -> bytes:
    """One ZIP with a PDF per certificate (named serial-holder-kind.pdf)."""
    font = font or certificate_font()
    base = public_base_url()
    images: dict = {}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        for cert in certificates:
            zf.writestr(pdf_filename(cert), render.render(sheet_for(cert, base), font, images))
    return out.getvalue()


# ---- admin batch from a pasted list -------------------------------------------------------------

LINE_SPLIT = re.compile(r"[\s,，、;；\t]+")


def _find_user(token: str) -> tuple[User | None, str | None]:
    by_username = db.session.scalar(select(User).where(func.lower(User.username) == token.lower()))
    if by_username is not None:
        return by_username, None
    named = db.session.scalars(select(User).where(User.name == token, User.active.is_(True))).all()
    if len(named) == 1:
        return named[0], None
    if len(named) > 1:
        return None, f"姓名“{token}”对应 {len(named)} 人，请改用用户名"
    return None, f"找不到用户“{token}”（请填用户名或姓名）"


def specs_from_lines(kind: CertificateKind | str, title: str, subject_ref: str, period: str, text: str,
                     issued_on: date | None = None) -> list[IssueSpec]:
    """Specs from pasted lines "用户名或姓名 [奖项] [成绩]"; every bad line is named in one ServiceError."""
    kind = _kind(kind)
    subject_ref = (subject_ref or "").strip() or ("manual:" + hashlib.sha1((title or "").strip().encode()).hexdigest()[:12])
    specs, errors = [], []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        tokens = [t for t in LINE_SPLIT.split(raw.strip()) if t]
        if not tokens:
            continue
        user, problem = _find_user(tokens[0])
        award, score = None, None
        for t in tokens[1:]:
            if Award.from_label(t):
                award = Award.from_label(t)
            elif re.fullmatch(r"\d{1,4}(\.\d+)?", t):
                score = float(t)
            else:
                problem = problem or f"无法识别“{t}”（每行：用户名或姓名，可加奖项、成绩）"
        if kind == CertificateKind.honour and award is None and not problem:
            problem = "荣誉证书须注明奖项（一等奖、二等奖、三等奖或优秀奖）"
        if problem:
            errors.append(f"第 {n} 行：{problem}")
        else:
            specs.append(IssueSpec(kind, user, title, subject_ref, score, award, period, issued_on))
    if errors:
        raise ServiceError("；".join(errors[:20]) + ("……" if len(errors) > 20 else ""), field="holders")
    if not specs:
        raise ServiceError("请填写获证人员名单，每行一人", field="holders")
    return specs
