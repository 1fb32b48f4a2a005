"""Declarative base shared by every domain's models."""
from __future__ import annotations

import enum

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class LabelledEnum(str, enum.Enum):
    """A string enum whose members carry their Chinese label: Role.admin.label == "管理员"."""

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def from_label(cls, text: str):
        """The member whose value or Chinese label is text, else None."""
        text = (text or "").strip()
        for m in cls:
            if text in (m.value, m.label):
                return m
        return None
