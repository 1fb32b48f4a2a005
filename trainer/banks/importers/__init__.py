"""Format parsers: each turns a file into a RawBank (or raises ParseError with issues).

Formats: yaml, json, xlsx, csv, txt (Chinese exam-platform text), gift, moodle-xml, aiken.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from trainer.banks.content import Issue, RawQuestion

FORMATS = ["yaml", "json", "xlsx", "csv", "txt", "gift", "moodle-xml", "aiken"]
FORMAT_LABELS = {"yaml": "YAML", "json": "JSON", "xlsx": "Excel (.xlsx)", "csv": "CSV", "txt": "纯文本",
                 "gift": "Moodle GIFT", "moodle-xml": "Moodle XML", "aiken": "Aiken"}


class ParseError(Exception):
    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(i.text() for i in issues))
        self.issues = issues


@dataclass
class RawBank:
    slug: str | None = None
    title: str | None = None
    source: str | None = None
    source_version: str | None = None
    description: str | None = None
    review_state: str | None = None
    reviewed_by: str | None = None
    reviewed_at: str | None = None
    allow_drafts_in_practice: bool | None = None
    chapters: list[tuple[str, str]] | None = None
    questions: list[RawQuestion] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)


def detect_format(filename: str, data: bytes) -> str | None:
    name = filename.lower()
    for ext, fmt in ((".yaml", "yaml"), (".yml", "yaml"), (".json", "json"), (".xlsx", "xlsx"), (".csv", "csv"),
                     (".gift", "gift"), (".xml", "moodle-xml"), (".aiken", "aiken")):
        if name.endswith(ext):
            return fmt
    if name.endswith(".txt"):
        head = data[:4000].decode("utf-8", errors="ignore")
        if "{" in head and "}" in head and ("::" in head or "=" in head and "~" in head):
            return "gift"
        if "ANSWER:" in head and "答案" not in head:
            return "aiken"
        return "txt"
    return None


def parse(data: bytes, filename: str, fmt: str) -> RawBank:
    from trainer.banks.importers import gift, moodle_xml, structured, tabular, text

    parsers = {"yaml": structured.parse_yaml, "json": structured.parse_json, "xlsx": tabular.parse_table,
               "csv": tabular.parse_table, "txt": text.parse_text, "gift": gift.parse_gift,
               "moodle-xml": moodle_xml.parse_moodle_xml, "aiken": text.parse_aiken}
    if fmt not in parsers:
        raise ParseError([Issue(0, "", f"不支持的格式「{fmt}」")])
    if not data or not data.strip():
        raise ParseError([Issue(0, "", "文件是空的")])
    return parsers[fmt](data, filename)
