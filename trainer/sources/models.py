"""Official texts held in the system: a document, its chapters and sections, its articles, and the
record of each version loaded (what changed, how many questions were flagged)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.cnnum import int_to_cn
from trainer.extensions import db
from trainer.timeutil import utcnow


class SourceDocument(db.Model):
    """A regulation or measure as officially worded; questions cite it by title (or slug, or an alias)."""

    __tablename__ = "source_document"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), index=True)
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    issuer: Mapped[str] = mapped_column(String(200), default="")
    version_label: Mapped[str] = mapped_column(String(64), default="")
    published_on: Mapped[date | None] = mapped_column(Date)
    effective_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")  # 题注: the bracketed line under the title
    preamble: Mapped[str] = mapped_column(Text, default="")  # text before 第一条 that belongs to no article
    article_count: Mapped[int] = mapped_column(Integer, default=0)
    chapter_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    loaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    chapters: Mapped[list[SourceChapter]] = relationship(
        back_populates="document", order_by="SourceChapter.position", cascade="all, delete-orphan",
        passive_deletes=True)
    articles: Mapped[list[SourceArticle]] = relationship(
        back_populates="document", order_by="SourceArticle.number", cascade="all, delete-orphan",
        passive_deletes=True)

    @property
    def names(self) -> list[str]:
        """Every name a question's reference may use for this document."""
        out = [self.title, self.slug, *(self.aliases or [])]
        return [n for i, n in enumerate(out) if n and n not in out[:i]]


class SourceChapter(db.Model):
    """A chapter (level 1, 第一章) or a section inside a chapter (level 2, 第一节)."""

    __tablename__ = "source_chapter"
    __table_args__ = (CheckConstraint("level IN (1, 2)", name="level_valid"),
                      UniqueConstraint("document_id", "position"))
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("source_document.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("source_chapter.id", ondelete="CASCADE"), index=True)
    level: Mapped[int] = mapped_column(Integer, default=1)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer)

    document: Mapped[SourceDocument] = relationship(back_populates="chapters")

    @property
    def label(self) -> str:
        return f"第{int_to_cn(self.number)}{'章' if self.level == 1 else '节'}"

    @property
    def heading(self) -> str:
        return f"{self.label}　{self.title}".strip()


class SourceArticle(db.Model):
    """One article (条); text holds its paragraphs (款) and items (项), one per line."""

    __tablename__ = "source_article"
    __table_args__ = (UniqueConstraint("document_id", "number"), CheckConstraint("number > 0", name="number_positive"))
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("source_document.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("source_chapter.id", ondelete="SET NULL"), index=True)
    section_id: Mapped[int | None] = mapped_column(ForeignKey("source_chapter.id", ondelete="SET NULL"), index=True)
    text: Mapped[str] = mapped_column(Text)

    document: Mapped[SourceDocument] = relationship(back_populates="articles")
    chapter: Mapped[SourceChapter | None] = relationship(foreign_keys=[chapter_id])
    section: Mapped[SourceChapter | None] = relationship(foreign_keys=[section_id])

    @property
    def label(self) -> str:
        return f"第{int_to_cn(self.number)}条"

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n") if p.strip()]


class SourceRevision(db.Model):
    """One load of a document's text: the version label, and per article what changed since the last one.

    changes: [{"number": n, "kind": "changed"|"added"|"removed", "old": text, "new": text, "same_as": m}]
    """

    __tablename__ = "source_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("source_document.id", ondelete="CASCADE"), index=True)
    version_label: Mapped[str] = mapped_column(String(64), default="")
    source_name: Mapped[str] = mapped_column(String(200), default="")
    loaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    loaded_by_name: Mapped[str] = mapped_column(String(64), default="")
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    flagged: Mapped[int] = mapped_column(Integer, default=0)
    changes: Mapped[list] = mapped_column(JSON, default=list)

    document: Mapped[SourceDocument] = relationship()
