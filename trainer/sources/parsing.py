"""Reading an official text: its title, chapters (章) and sections (节), and articles (条) with their
paragraphs (款) and enumerated items (项).

Pure Python. parse_text() never drops a line silently: text it cannot place becomes a warning
with its line number (and is kept, in the preamble or in the article it follows).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from trainer.cnnum import cn_to_int

NUM = r"[零〇一二两三四五六七八九十百千\d]+"
CHAPTER_RE = re.compile(rf"^第\s*({NUM})\s*章(?:\s+|$)(.*)$")
SECTION_RE = re.compile(rf"^第\s*({NUM})\s*节(?:\s+|$)(.*)$")
# an article heading: 第N条 followed by a space (or nothing); without a space only when the number fits
ARTICLE_RE = re.compile(rf"^第\s*({NUM})\s*条(\s+|$)(.*)$")
ARTICLE_TIGHT_RE = re.compile(rf"^第({NUM})条(?![第款项规的之中所至和、，,及或])(\S.*)$")
ITEM_RE = re.compile(rf"^[（(]\s*({NUM})\s*[）)]\s*(.*)$")
PAGE_NUMBER_RE = re.compile(r"^[-—－–\s]*\d{1,4}[-—－–\s]*$|^第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?$")
TERMINAL_RE = re.compile(r"[。；：！？;:!?][”’」』）)]*$")
SPACES_RE = re.compile(r"[ \t\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff]+")
MAX_ARTICLES = 2000


@dataclass
class Issue:
    """A line the parser could not place, or a reason it cannot go on; line 0 means the whole text."""

    line: int
    reason: str

    def text(self, path: str = "") -> str:
        if path:
            return f"{path}:{self.line}: {self.reason}"
        return f"第 {self.line} 行：{self.reason}" if self.line else self.reason


@dataclass
class Heading:
    """A chapter (level 1) or a section (level 2, inside the chapter at index parent)."""

    level: int
    number: int
    title: str
    line: int
    parent: int | None = None

    @property
    def label(self) -> str:
        from trainer.cnnum import int_to_cn

        return f"第{int_to_cn(self.number)}{'章' if self.level == 1 else '节'}"


@dataclass
class ParsedArticle:
    number: int
    line: int
    chapter: int | None = None  # index into Parsed.chapters
    section: int | None = None  # index into Parsed.sections
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


@dataclass
class Parsed:
    title: str = ""
    title_line: int = 0
    note: str = ""
    preamble: list[str] = field(default_factory=list)
    chapters: list[Heading] = field(default_factory=list)
    sections: list[Heading] = field(default_factory=list)
    articles: list[ParsedArticle] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def chapter_ranges(self) -> list[tuple[Heading, list[int]]]:
        """Each chapter with the numbers of its articles, in order."""
        out = [(c, []) for c in self.chapters]
        for a in self.articles:
            if a.chapter is not None:
                out[a.chapter][1].append(a.number)
        return out


def clean_line(line: str) -> str:
    """A line with odd spaces folded and the edges trimmed."""
    return SPACES_RE.sub(" ", line).strip()


def _squeeze(text: str) -> str:
    """Headings and titles are written with spaces for layout (总　　则): drop spaces between CJK."""
    return re.sub(r"(?<=[\u4e00-\u9fff（）《》、：]) (?=[\u4e00-\u9fff（）《》、：])", "", text).strip()


def _is_open(paragraph: str) -> bool:
    """A paragraph without closing punctuation continues on the next line (PDF and hard-wrapped text)."""
    return not TERMINAL_RE.search(paragraph)


def _looks_like_title(line: str) -> bool:
    return 2 <= len(line) <= 80 and not TERMINAL_RE.search(line) and not line.startswith(("（", "("))


def _item_line(line: str) -> str | None:
    m = ITEM_RE.match(line)
    if not m or cn_to_int(m.group(1)) is None or not m.group(2).strip():
        return None
    return f"（{m.group(1)}）{m.group(2).strip()}"


def parse_text(text: str, title: str | None = None) -> Parsed:
    """Split an official text into title, chapters, sections and articles (see the module docstring)."""
    p = Parsed(title=(title or "").strip().strip("《》"))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    current: ParsedArticle | None = None
    expect_article = 1
    chapter_idx: int | None = None
    section_idx: int | None = None
    pending_heading: Heading | None = None  # 第一章 on its own line: the title may follow
    after_title = False

    def add_chapter(h: Heading) -> None:
        nonlocal chapter_idx, section_idx
        p.chapters.append(h)
        chapter_idx, section_idx = len(p.chapters) - 1, None

    for i, raw in enumerate(lines, start=1):
        line = clean_line(raw)
        if not line:
            continue
        if PAGE_NUMBER_RE.match(line):
            continue  # page numbers of a PDF or a printed text are not content

        if pending_heading is not None:
            if not (CHAPTER_RE.match(line) or SECTION_RE.match(line) or ARTICLE_RE.match(line)) \
                    and _looks_like_title(line) and len(line) <= 30:
                pending_heading.title = _squeeze(line)
                pending_heading = None
                continue
            pending_heading = None

        m = CHAPTER_RE.match(line)
        if m and cn_to_int(m.group(1)):
            n = cn_to_int(m.group(1))
            heading = Heading(1, n, _squeeze(m.group(2)), i)
            expected = (p.chapters[-1].number + 1) if p.chapters else 1
            if n == 1 and p.chapters and not p.articles:
                # a table of contents (目录) lists the chapters before the text repeats them
                p.warnings.append(Issue(i, f"第 {p.chapters[0].line}–{i - 1} 行像是目录，已跳过"))
                p.chapters.clear()
                p.sections.clear()
                add_chapter(heading)
            elif n == expected or (n > expected and not p.chapters):
                add_chapter(heading)
            elif n > expected:
                p.warnings.append(Issue(i, f"章的编号不连续：{heading.label}之前缺少第 {expected} 章"))
                add_chapter(heading)
            else:
                p.warnings.append(Issue(i, f"「{line[:30]}」像章标题，但编号不连续（前一章是"
                                            f"{p.chapters[-1].label}），已按正文处理"))
                _add_text(p, current, line, i)
                continue
            if not heading.title:
                pending_heading = heading
            current = None
            continue

        m = SECTION_RE.match(line)
        if m and cn_to_int(m.group(1)):
            n = cn_to_int(m.group(1))
            siblings = [s for s in p.sections if s.parent == chapter_idx]
            expected = (siblings[-1].number + 1) if siblings else 1
            heading = Heading(2, n, _squeeze(m.group(2)), i, parent=chapter_idx)
            if n != expected and not (p.articles == [] and n == 1):
                if n < expected:
                    p.warnings.append(Issue(i, f"「{line[:30]}」像节标题，但编号不连续，已按正文处理"))
                    _add_text(p, current, line, i)
                    continue
                p.warnings.append(Issue(i, f"节的编号不连续：{heading.label}之前缺少第 {expected} 节"))
            if n == 1 and siblings and not p.articles:
                p.sections[:] = [s for s in p.sections if s.parent != chapter_idx]
            p.sections.append(heading)
            section_idx = len(p.sections) - 1
            if not heading.title:
                pending_heading = heading
            current = None
            continue

        strong = ARTICLE_RE.match(line)
        tight = None if strong else ARTICLE_TIGHT_RE.match(line)
        m = strong or tight
        if m and cn_to_int(m.group(1)):
            n = cn_to_int(m.group(1))
            body = (m.group(3) if strong else m.group(2)).strip()
            continues = current is not None and current.paragraphs and _is_open(current.paragraphs[-1])
            if n == expect_article and not (continues and tight):
                current = _start_article(p, n, i, chapter_idx, section_idx, body)
                expect_article = n + 1
                continue
            if strong and n > expect_article and not continues:
                p.warnings.append(Issue(i, f"条的编号不连续：第{_cn(n)}条之前缺少第{_cn(expect_article)}条"
                                           + (f"至第{_cn(n - 1)}条" if n - 1 > expect_article else "")))
                current = _start_article(p, n, i, chapter_idx, section_idx, body)
                expect_article = n + 1
                continue
            if strong and not continues:
                p.warnings.append(Issue(i, f"「{line[:30]}」像条文开头，但编号不连续（应为第{_cn(expect_article)}条），"
                                           "已按上一条的正文处理"))
            # otherwise: a wrapped line that happens to start with a cross-reference (第十条规定的……)

        if current is None and not p.articles:
            after_title = _before_first_article(p, line, i, after_title)
            continue
        _add_text(p, current, line, i)

    _check(p)
    return p


def _cn(n: int) -> str:
    from trainer.cnnum import int_to_cn

    return int_to_cn(n)


def _start_article(p: Parsed, n: int, line: int, chapter: int | None, section: int | None, body: str
                   ) -> ParsedArticle:
    article = ParsedArticle(number=n, line=line, chapter=chapter, section=section)
    if body:
        item = _item_line(body)
        article.paragraphs.append(item or body)
    p.articles.append(article)
    return article


def _add_text(p: Parsed, current: ParsedArticle | None, line: str, i: int) -> None:
    """A line of body text: a new paragraph or item, or the continuation of an unfinished one."""
    if current is None:
        # text between a heading and the next article
        p.preamble.append(line)
        p.warnings.append(Issue(i, f"「{line[:30]}」不属于任何条文，已保留在序言中"))
        return
    item = _item_line(line)
    if item is None and current.paragraphs and _is_open(current.paragraphs[-1]):
        current.paragraphs[-1] += line
    else:
        current.paragraphs.append(item or line)


def _before_first_article(p: Parsed, line: str, i: int, after_title: bool) -> bool:
    """Title, its note in brackets, or stray text before 第一条 (warned, kept as preamble)."""
    if not p.title and not p.chapters and _looks_like_title(line) and not p.preamble:
        p.title, p.title_line = _squeeze(line).strip("《》"), i
        return True
    if p.title and p.title_line == 0 and not p.chapters and not p.preamble and _squeeze(line).strip("《》") == p.title:
        p.title_line = i  # the given title, repeated as the text's first line
        return True
    note_open = bool(p.note) and not p.note.endswith(("）", ")"))
    if line.startswith(("（", "(")) and (after_title or p.note) and not p.chapters and not note_open:
        p.note += ("\n" if p.note else "") + line
        return True
    if note_open and not p.chapters:
        p.note += line  # a note wrapped over several lines
        return True
    if line in ("目录", "目　录", "目 录"):
        return False
    p.preamble.append(line)
    p.warnings.append(Issue(i, f"第一条之前的文字「{line[:30]}」未归入任何条文，已保留在序言中"))
    return False


def _check(p: Parsed) -> None:
    if not p.articles:
        p.errors.append(Issue(1, "没有找到任何条文：每条应另起一行，以「第一条」「第二条」……开头"))
        return
    if len(p.articles) > MAX_ARTICLES:
        p.errors.append(Issue(0, f"条文超过 {MAX_ARTICLES} 条，请检查文件"))
    if not p.title:
        p.errors.append(Issue(1, "无法识别文件标题：请在第一行写标题，或填写「标题」"))
    for a in p.articles:
        if not a.paragraphs:
            p.errors.append(Issue(a.line, f"第{_cn(a.number)}条没有正文"))
    for c in p.chapters + p.sections:
        if not c.title:
            p.warnings.append(Issue(c.line, f"{c.label}没有标题"))
    empty = [c for idx, c in enumerate(p.chapters) if not any(a.chapter == idx for a in p.articles)]
    for c in empty:
        p.warnings.append(Issue(c.line, f"{c.label}「{c.title}」下没有条文"))
