"""YAML loading that remembers where every value stands, so messages can name a line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

import yaml

# A few anchors (&name) and aliases (*name) are fine; a "billion laughs" nests aliases so that a
# 600-byte file stands for billions of values, which everything walking the data then visits.
MAX_ALIASES = 100
MAX_EXPANDED_NODES = 200_000
MAX_DEPTH = 60  # nested mappings and lists
FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # libyaml's parser, where PyYAML was built with it


class ContentError(Exception):
    """A content file that cannot be read at all (syntax); carries the 1-based line."""

    def __init__(self, line: int, field: str, message: str):
        super().__init__(f"{line}: {field}: {message}")
        self.line = line
        self.field = field
        self.message = message


@dataclass(frozen=True)
class LineMap:
    """Maps a path of keys/indexes inside a YAML document to its 1-based file line."""

    root: yaml.Node | None
    offset: int  # lines before the YAML text in its file (front matter starts after '---')

    def line_of(self, path: Iterable[Any]) -> int:
        node = self.root
        line = (node.start_mark.line if node is not None else 0)
        for step in path:
            child = _child(node, step)
            if child is None:
                break
            node, line = child
        return line + 1 + self.offset


def _child(node: yaml.Node | None, step: Any) -> tuple[yaml.Node, int] | None:
    """The child node for one path step and the line to report for it."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(step):
                # An error on a whole mapping entry is best reported on its key line.
                return value, key.start_mark.line
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        item = node.value[step]
        return item, item.start_mark.line
    return None


def duplicate_keys(node: yaml.Node | None, offset: int) -> list[tuple[int, str]]:
    """(line, key) for every key that appears twice in one mapping; PyYAML keeps the last silently."""
    found: list[tuple[int, str]] = []
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        found.append((key.start_mark.line + 1 + offset, key.value))
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return sorted(found)


class YamlRefused(yaml.YAMLError):
    """The document is too big once its aliases are expanded, or nested too deeply."""


class _BudgetLoader(yaml.SafeLoader):
    """SafeLoader that stops at MAX_ALIASES aliases, while composing (before anything is built)."""

    aliases = 0
    depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise YamlRefused(f"mehr als {MAX_ALIASES} Verweise (*name); bitte schreiben Sie die Werte aus")
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise YamlRefused(f"mehr als {MAX_DEPTH} Ebenen tief verschachtelt")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _expanded_size(root: yaml.Node | None) -> int:
    """How many nodes the document has with every alias written out (shared nodes counted once per
    use); stops counting beyond MAX_EXPANDED_NODES. Raises YamlRefused when nested too deeply."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)] if root is not None else []
    while stack:
        node, depth, children_done = stack.pop()
        if id(node) in sizes:
            continue
        if depth > MAX_DEPTH:
            raise YamlRefused(f"mehr als {MAX_DEPTH} Ebenen tief verschachtelt")
        children = ([v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode)
                    else list(node.value) if isinstance(node, yaml.SequenceNode) else [])
        pending = [c for c in children if id(c) not in sizes]
        if children_done or not pending:
            sizes[id(node)] = min(MAX_EXPANDED_NODES + 1, 1 + sum(sizes.get(id(c), 1) for c in children))
            continue
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in pending)
    return sizes.get(id(root), 0) if root is not None else 0


def compose_within_budget(text: str) -> tuple[Any, yaml.Node | None]:
    """(data, root node) of one YAML document, or YamlRefused / another yaml.YAMLError.

    libyaml (PyYAML's C parser, where installed) reads a document some 25 times faster than the
    pure-Python parser; a whole course took 0.36 s of its 0.6 s in the latter. Its events are
    counted first, so aliases and depth are refused before its (recursive) composer runs. A
    document libyaml rejects is read again in Python, whose messages yaml_problem_text knows."""
    if FAST_LOADER is not None:
        try:
            _check_events(text)
            return _compose(FAST_LOADER(text))
        except YamlRefused:
            raise
        except yaml.YAMLError:
            pass  # the Python parser below gives the message and line an author can act on
    return _compose(_BudgetLoader(text))


def _check_events(text: str) -> None:
    """The composer's budget (MAX_ALIASES, MAX_DEPTH) on libyaml's event stream, without recursion."""
    aliases = depth = 0
    for event in yaml.parse(text, Loader=FAST_LOADER):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise YamlRefused(f"mehr als {MAX_ALIASES} Verweise (*name); bitte schreiben Sie die Werte aus")
        if isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, (yaml.CollectionStartEvent, yaml.ScalarEvent, yaml.AliasEvent)):
            if depth + 1 > MAX_DEPTH:
                raise YamlRefused(f"mehr als {MAX_DEPTH} Ebenen tief verschachtelt")
            depth += isinstance(event, yaml.CollectionStartEvent)


def _compose(loader: yaml.SafeLoader) -> tuple[Any, yaml.Node | None]:
    try:
        node = loader.get_single_node()
        if _expanded_size(node) > MAX_EXPANDED_NODES:
            limit = f"{MAX_EXPANDED_NODES:,}".replace(",", ".")
            raise YamlRefused(f"mehr als {limit} Werte, wenn die Verweise (*name) aufgelöst sind; bitte "
                              "schreiben Sie die Werte aus")
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def safe_load(text: str) -> Any:
    """yaml.safe_load with the alias and depth budget (raises yaml.YAMLError, e.g. YamlRefused)."""
    return compose_within_budget(text)[0]


# PyYAML's most frequent complaints, as an author can act on them (the rest get a general hint).
_YAML_PROBLEMS = [
    (r"mapping values are not allowed here", "Hier ist kein „name: Wert“ möglich. Steht ein Doppelpunkt im Text? "
     "Dann den ganzen Text in Anführungszeichen setzen."),
    (r"could not find expected ':'", "Ein Doppelpunkt „:“ fehlt (jede Angabe hat die Form „name: Wert“)."),
    (r"found character '\\t' that cannot start any token", "Tabulatorzeichen sind nicht erlaubt; bitte mit "
     "Leerzeichen einrücken."),
    (r"expected <block end>, but found .*", "Die Einrückung passt nicht: Diese Zeile ist anders eingerückt als "
     "die Zeilen davor."),
    (r"did not find expected key", "Die Einrückung passt nicht: Hier wird eine Angabe „name: Wert“ erwartet."),
    (r"did not find expected '-' indicator", "Die Einrückung passt nicht: Hier wird ein Listeneintrag „- “ erwartet."),
    (r"expected ',' or '\]', but got .*", "In der Liste in eckigen Klammern fehlt ein Komma oder die schließende "
     "Klammer „]“."),
    (r"expected ',' or '}', but got .*", "In den geschweiften Klammern fehlt ein Komma oder die schließende "
     "Klammer „}“."),
    (r"found unexpected end of stream", "Die Datei endet mitten in einer Angabe: Ein Anführungszeichen oder eine "
     "Klammer wird nicht geschlossen."),
    (r"found undefined alias .*", "Ein Verweis (*name) zeigt auf keinen Anker (&name)."),
    (r"found unknown escape character .*", "Ein umgekehrter Schrägstrich „\\“ in Anführungszeichen: bitte doppelt "
     "schreiben oder einfache Anführungszeichen verwenden."),
]


def yaml_problem_text(problem: str) -> str:
    """PyYAML's complaint as a German sentence for authors."""
    for pattern, german in _YAML_PROBLEMS:
        if re.fullmatch(pattern, problem.strip()):
            return f"Fehler in der YAML-Schreibweise: {german}"
    return ("Fehler in der YAML-Schreibweise: Bitte Einrückung, Doppelpunkte und Anführungszeichen in dieser "
            "Zeile prüfen.")


def load_yaml(text: str, offset: int = 0) -> tuple[Any, LineMap]:
    """Parse one YAML document; raise ContentError with the file line on a syntax error."""
    try:
        data, node = compose_within_budget(text)
    except YamlRefused as error:
        raise ContentError(1 + offset, "yaml", f"Die YAML-Angaben werden abgelehnt: {error}.") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        raise ContentError(line, "yaml", yaml_problem_text(error.problem or error.context or "")) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
        raise ContentError(1 + offset, "yaml", "Die YAML-Angaben können nicht gelesen werden; bitte Einrückung, "
                           "Doppelpunkte und Anführungszeichen prüfen.") from None
    return data, LineMap(node, offset)


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split a Markdown file into (front matter YAML, body, body's first line number)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ContentError(1, "front matter", "Die Datei muss mit einer Zeile „---“ beginnen, gefolgt vom Kopfbereich "
                                             "(front matter) mit den Angaben zur Lektion.")
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    raise ContentError(1, "front matter", "Der Kopfbereich (front matter) wird nicht mit einer zweiten Zeile „---“ "
                                         "abgeschlossen.")
