"""A page's bare twin: the elements a Lotse page rendered, written back as a plain Streamlit script.

The twin shows the same Markdown, headings, links, buttons and inputs with the same texts and in the
same containers, but runs none of Lotse's code: no navigation, sign-in, database, content loading or
fragments. Its script time is what Streamlit itself needs to render that page, so Lotse's time divided
by the twin's is the cost of Lotse's own work on top of the rendering.

The twin is built from AppTest's element tree after a run (``twin_script(at)``). An element type the
twin does not know raises, so a page that starts using one is noticed instead of measured wrongly.
"""

from __future__ import annotations

from typing import Any, Callable

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.Block_pb2 import Block as BlockProto
from streamlit.proto.Markdown_pb2 import Markdown
from streamlit.testing.v1.element_tree import Block as BlockNode
from streamlit.testing.v1.element_tree import Column, Expander, Tab

_HEADINGS = {"h1": "st.title", "h2": "st.header", "h3": "st.subheader"}
_ALERTS = {Alert.ERROR: "st.error", Alert.WARNING: "st.warning", Alert.INFO: "st.info", Alert.SUCCESS: "st.success"}
_MARKDOWN = {Markdown.CAPTION: "st.caption", Markdown.CODE: "st.code", Markdown.LATEX: "st.latex"}


class _Writer:
    def __init__(self) -> None:
        self.lines = ["import streamlit as st", ""]
        self.depth = 0
        self.keys = 0

    def emit(self, code: str) -> None:
        self.lines.append("    " * self.depth + code)

    def key(self) -> str:
        self.keys += 1
        return repr(f"w{self.keys}")


def _markdown(proto: Any, w: _Writer) -> str:
    if proto.element_type == Markdown.DIVIDER:
        return "st.divider()"
    if proto.element_type in _MARKDOWN:
        return f"{_MARKDOWN[proto.element_type]}({proto.body!r})"
    return f"st.markdown({proto.body!r}, unsafe_allow_html={proto.allow_html})"


def _page_link(proto: Any, w: _Writer) -> str:
    """A bare script has no pages of its own: the same link, to an address."""
    url = f"https://lotse.example/{proto.page}" + (f"?{proto.query_string}" if proto.query_string else "")
    return f"st.page_link({url!r}, label={proto.label!r}, icon={proto.icon or None!r})"


def _button(proto: Any, w: _Writer) -> str:
    command = "st.form_submit_button" if proto.is_form_submitter else "st.button"
    return f"{command}({proto.label!r}, key={w.key()}, type={proto.type or 'secondary'!r})"


def _choice(command: str) -> Callable[[Any, _Writer], str]:
    def call(proto: Any, w: _Writer) -> str:
        index = proto.default if proto.HasField("default") else None
        return f"{command}({proto.label!r}, {list(proto.options)!r}, index={index}, key={w.key()})"
    return call


def _text(command: str) -> Callable[[Any, _Writer], str]:
    return lambda proto, w: f"{command}({proto.label!r}, value={proto.default!r}, key={w.key()})"


_CALLS: dict[str, Callable[[Any, _Writer], str]] = {
    "Markdown": _markdown,
    "Heading": lambda p, w: f"{_HEADINGS[p.tag]}({p.body!r}, anchor={p.anchor or None!r})",
    "Html": lambda p, w: f"st.html({p.body!r}, unsafe_allow_javascript={p.unsafe_allow_javascript})",
    "Alert": lambda p, w: f"{_ALERTS[p.format]}({p.body!r}, icon={p.icon or None!r})",
    "Progress": lambda p, w: f"st.progress({p.value}, text={p.text or None!r})",
    "PageLink": _page_link,
    "Button": _button,
    "Radio": _choice("st.radio"),
    "Selectbox": _choice("st.selectbox"),
    "Checkbox": lambda p, w: f"st.checkbox({p.label!r}, value={p.default}, key={w.key()})",
    "TextInput": _text("st.text_input"),
    "TextArea": _text("st.text_area"),
    "NumberInput": lambda p, w: f"st.number_input({p.label!r}, value=None, key={w.key()})",
}


def _element(w: _Writer, proto: Any) -> None:
    kind = type(proto).__name__
    if kind not in _CALLS:
        raise ValueError(f"The bare twin does not know the element type {kind!r}; add it to bench/twin.py.")
    w.emit(_CALLS[kind](proto, w))


def _block(w: _Writer, node: BlockNode) -> None:
    children = list(node.children.values())
    if isinstance(node, Expander):
        _nested(w, f"st.expander({node.proto.label!r}, expanded={node.proto.expanded})", node)
    elif children and all(isinstance(child, Column) for child in children):
        w.emit(f"columns = st.columns({[round(child.proto.weight, 4) for child in children]})")
        for index, column in enumerate(children):
            _nested(w, f"columns[{index}]", column)
    elif children and all(isinstance(child, Tab) for child in children):
        w.emit(f"tabs = st.tabs({[child.proto.label for child in children]!r})")
        for index, tab in enumerate(children):
            _nested(w, f"tabs[{index}]", tab)
    elif node.type == "form":
        _nested(w, f"st.form({w.key()}, border={node.proto.form.border})", node)
    elif node.type == "flex_container":
        flex = node.proto.flex_container
        horizontal = flex.direction == BlockProto.FlexContainer.HORIZONTAL
        _nested(w, f"st.container(border={flex.border}, horizontal={horizontal})", node)
    elif node.type in ("vertical", "transparent", "container"):
        _nested(w, "st.container()", node)
    else:
        raise ValueError(f"The bare twin does not know the block type {node.type!r}; add it to bench/twin.py.")


def _nested(w: _Writer, opener: str, node: BlockNode) -> None:
    w.emit(f"with {opener}:")
    w.depth += 1
    w.emit("pass")
    _children(w, node)
    w.depth -= 1


def _children(w: _Writer, node: BlockNode) -> None:
    for child in node.children.values():
        if isinstance(child, BlockNode):
            _block(w, child)
        else:
            _element(w, child.proto)


def twin_script(at: Any) -> str:
    """The bare twin of the page AppTest ``at`` last ran (main area, sidebar and event area)."""
    w = _Writer()
    for area in at._tree.children.values():
        if area.type == "sidebar":
            if area.children:
                _nested(w, "st.sidebar", area)
        else:
            _children(w, area)
    return "\n".join(w.lines) + "\n"
