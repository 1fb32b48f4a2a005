"""Certificates: one template per kind, issued certificates with serials, and the serial counter."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models import LabelledEnum
from trainer.org.models import User, enum_column
from trainer.timeutil import utcnow


class CertificateKind(LabelledEnum):
    passed = ("passed", "合格证书")  # a formal exam or weekly quiz passed
    completion = ("completion", "结业证书")  # a night-school term completed
    honour = ("honour", "荣誉证书")  # a competition award
    mentoring = ("mentoring", "传帮带证书")  # a mentoring team that completed its period


class Award(LabelledEnum):
    first = ("first", "一等奖")
    second = ("second", "二等奖")
    third = ("third", "三等奖")
    excellence = ("excellence", "优秀奖")


class DateStyle(LabelledEnum):
    chinese = ("chinese", "二〇二六年十一月二十八日")
    numeric = ("numeric", "2026年11月28日")


class CertificateTemplate(db.Model):
    """How certificates of one kind look: heading, body with placeholders, issuing body, seal."""

    __tablename__ = "certificate_template"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CertificateKind] = enum_column(CertificateKind, unique=True)
    title: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(String(80))
    date_style: Mapped[DateStyle] = enum_column(DateStyle, default=DateStyle.chinese)
    signature: Mapped[str] = mapped_column(String(80), default="")
    seal_file: Mapped[str | None] = mapped_column(String(80))  # name under UPLOAD_DIR/certificates/
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<CertificateTemplate {self.kind.value}>"


class Certificate(db.Model):
    """One certificate issued to one person for one subject; valid until revoked.

    The holder's name and unit are kept as they were at issue time. A holder has at most one valid
    certificate of a kind per subject_ref ("exam:12", "term:3", "competition:5", "team:2")."""

    __tablename__ = "certificate"
    __table_args__ = (
        Index("uq_certificate_valid_subject", "holder_id", "subject_ref", "kind", unique=True,
              sqlite_where=text("revoked_at IS NULL"), postgresql_where=text("revoked_at IS NULL")),
        CheckConstraint("length(subject_ref) > 0", name="subject_ref_not_empty"),
        CheckConstraint("(revoked_at IS NULL) = (revoked_reason IS NULL)", name="revoked_with_reason"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    code: Mapped[str] = mapped_column(String(16))
    kind: Mapped[CertificateKind] = enum_column(CertificateKind, index=True)
    holder_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"), index=True)
    holder_name: Mapped[str] = mapped_column(String(64), index=True)
    holder_unit: Mapped[str] = mapped_column(String(160), default="")
    title: Mapped[str] = mapped_column(String(200))
    subject_ref: Mapped[str] = mapped_column(String(64), index=True)
    score: Mapped[float | None] = mapped_column(Float)
    award: Mapped[Award | None] = enum_column(Award, index=True)
    period: Mapped[str] = mapped_column(String(80), default="")
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    template_id: Mapped[int | None] = mapped_column(ForeignKey("certificate_template.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(200))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id", ondelete="SET NULL"), unique=True)

    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    template: Mapped[CertificateTemplate | None] = relationship()
    replaces: Mapped[Certificate | None] = relationship(remote_side=[id], back_populates="replaced_by")
    replaced_by: Mapped[Certificate | None] = relationship(back_populates="replaces", uselist=False)

    @property
    def valid(self) -> bool:
        return self.revoked_at is None

    @property
    def status_label(self) -> str:
        return "有效" if self.valid else "已撤销"

    def __repr__(self) -> str:
        return f"<Certificate {self.serial}>"


class CertificateSerial(db.Model):
    """The last serial number handed out in a year; incremented under a row lock."""

    __tablename__ = "certificate_serial"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)
