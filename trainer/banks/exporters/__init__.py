"""Exporters: yaml (native), xlsx (the import template's columns), gift, moodle-xml.

Each takes an ExportBank and returns bytes. Importing an export gives back the same questions."""
from __future__ import annotations

from dataclasses import dataclass, field

from trainer.banks.content import QuestionData

EXPORT_FORMATS = {"yaml": ("yaml", "application/x-yaml"), "xlsx": ("xlsx", None), "gift": ("gift.txt", "text/plain"),
                  "moodle-xml": ("xml", "application/xml")}


@dataclass
class ExportBank:
    slug: str
    title: str
    source: str = ""
    source_version: str = ""
    description: str = ""
    allow_drafts_in_practice: bool = False
    chapters: list[tuple[str, str]] = field(default_factory=list)
    questions: list[QuestionData] = field(default_factory=list)  # .chapter holds the chapter code

    def chapter_title(self, code: str | None) -> str:
        return dict(self.chapters).get(code or "", code or "")


def export(bank: ExportBank, fmt: str) -> bytes:
    from trainer.banks.exporters import gift, moodle_xml, xlsx, yaml_export

    writers = {"yaml": yaml_export.write, "xlsx": xlsx.write, "gift": gift.write, "moodle-xml": moodle_xml.write}
    return writers[fmt](bank)
