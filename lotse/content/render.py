"""Markdown -> sanitised HTML for lessons, quiz prompts and feedback.

Python-Markdown does the parsing (tables, footnotes, admonitions, attribute lists, toc, abbr);
nh3 (ammonia) removes everything that is not on the allow-list before the HTML reaches a page.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor

ADMONITION_KINDS = ("merke", "beispiel", "achtung", "info")
LESSON_URL = "lektion?id={id}"
_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p",
    "pre", "s", "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "div": {"role"},
    "a": {"href", "target"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
}
_IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"}


@dataclass
class Link:
    href: str
    text: str


@dataclass
class Image:
    src: str
    alt: str


@dataclass
class Rendered:
    html: str
    toc: list[tuple[int, str, str]] = field(default_factory=list)  # (level, anchor, title)
    anchors: set[str] = field(default_factory=set)
    links: list[Link] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    admonitions: list[str] = field(default_factory=list)


class _Collector(Treeprocessor):
    """Records links, images and boxes; points lesson links at the lesson page; inlines images."""

    def __init__(self, md: markdown.Markdown, result: Rendered, image_dir: Path | None):
        super().__init__(md)
        self.result = result
        self.image_dir = image_dir

    def run(self, root: ElementTree.Element) -> None:
        _keep_first_abbreviations(root)
        for element in root.iter():
            if element.tag == "a" and element.get("href") is not None:
                href = element.get("href", "")
                self.result.links.append(Link(href, "".join(element.itertext())))
                target = lesson_href(href)
                element.set("href", target)
                if target != href:  # another lesson: stay in this tab (Streamlit opens links in a new one)
                    element.set("target", "_self")
            elif element.tag == "img":
                src = element.get("src", "")
                self.result.images.append(Image(src, element.get("alt", "")))
                element.set("src", self._inline(src))
            elif element.tag == "div" and "admonition" in element.get("class", "").split():
                kinds = [c for c in element.get("class", "").split() if c != "admonition"]
                self.result.admonitions.append(kinds[0] if kinds else "")
                element.set("role", "note")

    def _inline(self, src: str) -> str:
        path = resolve_image(self.image_dir, src)
        if path is None:
            return src
        mime = mimetypes.guess_type(path.name)[0]
        data = base64.b64encode(path.read_bytes()).decode()
        return f"data:{mime};base64,{data}"


_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _keep_first_abbreviations(root: ElementTree.Element) -> None:
    """Explain each glossary term once, where it first appears in running text (not in headings)."""
    seen: set[str] = set()

    def visit(parent: ElementTree.Element, in_heading: bool) -> None:  # document order
        for child in list(parent):
            if child.tag != "abbr":
                visit(child, in_heading or child.tag in _HEADINGS)
            elif in_heading or (child.text or "") in seen:
                _unwrap(parent, child)
            else:
                seen.add(child.text or "")

    visit(root, False)


def _unwrap(parent: ElementTree.Element, child: ElementTree.Element) -> None:
    """Replace ``child`` by its text, keeping the text around it."""
    index = list(parent).index(child)
    flat = (child.text or "") + (child.tail or "")
    if index == 0:
        parent.text = (parent.text or "") + flat
    else:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "") + flat
    parent.remove(child)


class _CollectorExtension(Extension):
    def __init__(self, result: Rendered, image_dir: Path | None):
        super().__init__()
        self.result = result
        self.image_dir = image_dir

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown API name)
        md.treeprocessors.register(_Collector(md, self.result, self.image_dir), "lotse-collect", 0)


def resolve_image(image_dir: Path | None, src: str) -> Path | None:
    """The local image file for ``src`` if it lies inside the content folder and is an image."""
    if image_dir is None or urlsplit(src).scheme or src.startswith(("/", "\\")):
        return None
    base = image_dir.resolve()
    path = (base / src).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    if mimetypes.guess_type(path.name)[0] not in _IMAGE_TYPES:
        return None
    return path


def lesson_href(href: str) -> str:
    """`other-lesson.md#part` -> the lesson page URL; other links unchanged."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.endswith(".md"):
        return href
    lesson_id = Path(parts.path).stem
    url = LESSON_URL.format(id=quote(lesson_id))
    return f"{url}#{parts.fragment}" if parts.fragment else url


def _abbreviations(glossary: dict[str, str]) -> str:
    lines = []
    for spelling, definition in glossary.items():
        clean = " ".join(definition.split())
        lines.append(f"*[{spelling}]: {clean}")
    return "\n\n" + "\n".join(lines) + "\n" if lines else ""


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """Allow data: URLs only for images of known types; nothing else may carry them. A link's
    target may only keep it in the same tab (no named windows, no _blank without our rel)."""
    if attribute == "target":
        return value if tag == "a" and value == "_self" else None
    if value.strip().lower().startswith("data:"):
        if tag == "img" and attribute == "src" and re.match(r"data:image/(png|jpeg|gif|svg\+xml|webp);base64,", value):
            return value
        return None
    return value


def sanitise(raw_html: str) -> str:
    """The allow-list sanitiser every piece of content HTML goes through."""
    return nh3.clean(
        raw_html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str, *, glossary: dict[str, str] | None = None,
                    image_dir: Path | None = None, anchor_prefix: str = "") -> Rendered:
    """Render Markdown to sanitised HTML and report what it contains.

    ``glossary`` maps spellings to definitions; they become <abbr title=...> in place.
    """
    result = Rendered(html="")
    md = markdown.Markdown(
        extensions=[
            "tables", "fenced_code", "footnotes", "admonition", "attr_list", "abbr", "sane_lists",
            _CollectorExtension(result, image_dir),
            TocExtension(toc_depth="2-3", baselevel=1, permalink=False),
        ],
        output_format="html",
    )
    body = md.convert(text + _abbreviations(glossary or {}))
    result.html = sanitise(body)
    result.toc = _flatten_toc(md.toc_tokens)
    result.anchors = _collect_ids(body)
    return result


def _flatten_toc(tokens: list[dict]) -> list[tuple[int, str, str]]:
    flat: list[tuple[int, str, str]] = []
    for token in tokens:
        flat.append((token["level"], token["id"], html.unescape(token["name"])))
        flat.extend(_flatten_toc(token.get("children", [])))
    return flat


def _collect_ids(body: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', body))


def render_inline(text: str) -> str:
    """Short Markdown (a prompt, a feedback text) as sanitised HTML."""
    return render_markdown(text).html
