"""Moodle text formats (markdown, html, moodle auto-format, plain) -> Lotse Markdown."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from lotse.interop.common import InteropError

_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")
# At a line start these would begin a heading, list, quote, rule or numbered list ("15. Mai").
_BLOCK_START = re.compile(r"^([ \t]*)([#>+-]|\d+(?=[.)]))", re.MULTILINE)
_LOOKS_HTML = re.compile(r"</?[A-Za-z][^>]*>|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


def escape_markdown(text: str, line_start: bool = True) -> str:
    """Plain text -> Markdown that renders the same characters (``line_start=False``: the text
    continues a line, so its beginning cannot start a heading or list)."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _ENTITY_LIKE.sub("&amp;", text)
    text = _TAG_LIKE.sub("&lt;", text)
    if not line_start:
        head, newline, rest = text.partition("\n")
        return head + newline + _BLOCK_START.sub(_escape_block_start, rest) if newline else head
    return _BLOCK_START.sub(_escape_block_start, text)


def _escape_block_start(match: re.Match) -> str:
    marker = match.group(2)
    if marker.isdigit():  # "15. Mai": escape the dot that follows the number
        return match.group(1) + marker + "\\"
    return match.group(1) + "\\" + marker


def to_markdown(text: str, fmt: str, notes: list[str] | None = None) -> str:
    """Moodle text (format markdown|html|moodle|plain) -> Lotse Markdown.

    `moodle` (auto-format) is HTML if it contains tags or entities, plain text otherwise.
    Things that cannot be carried over (embedded images, scripts) are added to `notes`.
    """
    text = text.strip()
    if fmt == "markdown":
        return text
    if fmt == "html" or (fmt == "moodle" and _LOOKS_HTML.search(text)):
        return html_to_markdown(text, notes)
    return escape_markdown(text)


_BLOCKS = {"p", "div", "section", "article", "blockquote", "table", "ul", "ol", "pre",
           "h1", "h2", "h3", "h4", "h5", "h6", "figure", "dl"}
_INLINE = {"strong": "**", "b": "**", "em": "*", "i": "*", "code": "`"}
_SAFE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
_VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "col", "area", "base", "source", "param"}
MAX_HTML_DEPTH = 30  # nested elements in one question text; real questions use a handful
TOO_DEEP = (f"Text mit mehr als {MAX_HTML_DEPTH} ineinander verschachtelten HTML-Elementen "
            "(zum Beispiel Listen in Listen); so tief kann Lotse nicht übernehmen")


class _HtmlToMarkdown(HTMLParser):
    """Small HTML -> Markdown converter: keeps all text, simple formatting, links, lists."""

    def __init__(self, notes: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.notes = notes
        self.lists: list[list] = []  # [tag, counter]
        self.links: list[tuple[int, str | None]] = []
        self.pre = 0
        self.skip = 0
        self.cells = 0
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.depth += 1
            if self.depth > MAX_HTML_DEPTH:
                raise InteropError(TOO_DEEP)
        attr = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
            self.notes.append(f"<{tag}> entfernt")
        elif tag in ("ul", "ol"):
            self._newline(2 if not self.lists else 1)
            self.lists.append([tag, 0])
        elif tag == "li":
            self._li()
        elif tag == "pre":
            self._newline(2)
            self.out.append("```\n")
            self.pre += 1
        elif tag in _BLOCKS:
            self._newline(2)
            if tag[0] == "h" and tag[1:].isdigit():
                self.out.append("**")
        elif tag == "br":
            self.out.append("\n")
        elif tag == "tr":
            self._newline(1)
            self.cells = 0
        elif tag in ("td", "th"):
            self.out.append(" | " if self.cells else "")
            self.cells += 1
        elif tag in _INLINE and not self.pre:
            self.out.append(_INLINE[tag])
        elif tag == "a":
            self.links.append((len(self.out), attr.get("href")))
        elif tag == "img":
            self._image(attr)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            self.depth = max(0, self.depth - 1)
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._newline(2 if not self.lists else 1)
        elif tag == "pre" and self.pre:
            self.pre -= 1
            self.out.append("\n```")
            self._newline(2)
        elif tag in _BLOCKS:
            if tag[0] == "h" and tag[1:].isdigit():
                self.out.append("**")
            self._newline(2)
        elif tag in _INLINE and not self.pre:
            self.out.append(_INLINE[tag])
        elif tag == "a" and self.links:
            start, href = self.links.pop()
            label = "".join(self.out[start:]).strip()
            if href and _SAFE_LINK.match(href):
                del self.out[start:]
                self.out.append(f"[{label or escape_markdown(href)}]({href.replace(')', '%29')})")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            self.out.append(data)
            return
        text = re.sub(r"\s+", " ", data)
        at_start = self._at_line_start()
        if at_start:
            text = text.lstrip()
        self.out.append(escape_markdown(text, line_start=at_start))

    def _at_line_start(self) -> bool:
        tail = "".join(self.out[-3:])
        return not tail or tail.endswith(("\n", "- ", ". "))

    def _newline(self, count: int) -> None:
        tail = "".join(self.out[-3:])
        if tail:
            have = len(tail) - len(tail.rstrip("\n"))
            self.out.append("\n" * max(0, count - have))

    def _li(self) -> None:
        if not self.lists:
            self.lists.append(["ul", 0])
        kind = self.lists[-1]
        kind[1] += 1
        self._newline(1)
        marker = f"{kind[1]}. " if kind[0] == "ol" else "- "
        self.out.append("    " * (len(self.lists) - 1) + marker)

    def _image(self, attr: dict[str, str | None]) -> None:
        alt = (attr.get("alt") or "").strip()
        src = (attr.get("src") or "").strip()
        name = src.rsplit("/", 1)[-1]
        self.out.append(escape_markdown(f"[Bild: {alt or name}]"))
        self.notes.append(f"Bild „{name or alt}“ nicht übernommen (bitte in lessons/images/ ablegen)")

    def markdown(self) -> str:
        text = "".join(self.out)
        text = re.sub(r"[ \t]+\n", "\n", text)
        return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_markdown(text: str, notes: list[str] | None = None) -> str:
    converter = _HtmlToMarkdown(notes if notes is not None else [])
    converter.feed(text)
    converter.close()
    return converter.markdown()
