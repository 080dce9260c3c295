"""A parser for ICU message format as Home Assistant's frontend reads translations.

The frontend formats every translated string with FormatJS' intl-messageformat, tags enabled.
What it cannot parse it shows as "Translation error: <KIND>" instead of the text. This parser
follows the same grammar closely enough to find those strings offline:

* ``{name}`` is a placeholder; ``{name, number}``, ``{name, date, short}`` and
  ``{n, plural, one {...} other {...}}`` (also ``select``, ``selectordinal``) are arguments;
* ``<word>`` opens a tag that needs its ``</word>`` (``<prefix>`` alone: UNCLOSED_TAG);
* an apostrophe before ``{``, ``}``, ``<``, ``>`` (and ``#`` inside plural) starts quoted
  literal text up to the next lone apostrophe; ``''`` is one apostrophe.

It returns the placeholders, the tags and the quoted parts, so that a test can also refuse
what parses but renders wrongly: a tag (the frontend gives none a meaning in our strings) or a
placeholder inside quotes (shown as literal ``{name}``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

PLURAL_TYPES = {"plural", "selectordinal"}
OPTION_TYPES = PLURAL_TYPES | {"select"}
SIMPLE_TYPES = {"number", "date", "time"}
_QUOTE_STARTERS = {"{", "}", "<", ">"}
_SYNTAX = set("{}#<>,'|") | {" ", "\t", "\n", "\r"}


class IcuError(ValueError):
    """A string the frontend would show as "Translation error: <kind>"."""

    def __init__(self, kind: str, offset: int, text: str) -> None:
        """Remember the FormatJS error kind and where it happened."""
        super().__init__(f"{kind} at offset {offset}: {text!r}")
        self.kind = kind
        self.offset = offset


@dataclass
class Parsed:
    """What a message contains besides plain text."""

    arguments: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    quoted: list[str] = field(default_factory=list)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.result = Parsed()

    # --- helpers -------------------------------------------------------------------

    def eof(self) -> bool:
        return self.pos >= len(self.text)

    def char(self, ahead: int = 0) -> str:
        index = self.pos + ahead
        return self.text[index] if index < len(self.text) else ""

    def error(self, kind: str) -> IcuError:
        return IcuError(kind, self.pos, self.text)

    def skip_space(self) -> None:
        while self.char().isspace():
            self.pos += 1

    def identifier(self) -> str:
        start = self.pos
        while not self.eof() and self.char() not in _SYNTAX:
            self.pos += 1
        return self.text[start : self.pos]

    # --- grammar -------------------------------------------------------------------

    def message(self, nesting: int, parent_type: str | None, closing_tag: bool) -> None:
        while not self.eof():
            char = self.char()
            if char == "{":
                self.argument(nesting)
            elif char == "}" and nesting > 0:
                return
            elif char == "#" and parent_type in PLURAL_TYPES:
                self.pos += 1
            elif char == "<" and self.char(1) == "/":
                if closing_tag:
                    return
                raise self.error("UNMATCHED_CLOSING_TAG")
            elif char == "<" and self.char(1).isalpha():
                self.tag(nesting, parent_type)
            else:
                self.literal(nesting, parent_type)

    def literal(self, nesting: int, parent_type: str | None) -> None:
        while not self.eof():
            char = self.char()
            if char == "'":
                self.quote(parent_type)
                continue
            if char == "{" or (char == "<" and (self.char(1) == "/" or self.char(1).isalpha())):
                return
            if char == "}" and nesting > 0:
                return
            if char == "#" and parent_type in PLURAL_TYPES:
                return
            self.pos += 1

    def quote(self, parent_type: str | None) -> None:
        """At an apostrophe: ``''`` is one; before a syntax character it starts a quote."""
        following = self.char(1)
        if following == "'":
            self.pos += 2
            return
        starters = _QUOTE_STARTERS | ({"#"} if parent_type in PLURAL_TYPES else set())
        if following not in starters:
            self.pos += 1
            return
        self.pos += 1
        start = self.pos
        while not self.eof():
            if self.char() == "'":
                if self.char(1) == "'":
                    self.pos += 2
                    continue
                self.result.quoted.append(self.text[start : self.pos])
                self.pos += 1
                return
            self.pos += 1
        self.result.quoted.append(self.text[start:])  # a quote may run to the end

    def tag(self, nesting: int, parent_type: str | None) -> None:
        self.pos += 1  # <
        name_start = self.pos
        while self.char().isalnum() or self.char() in "-._:":
            self.pos += 1
        name = self.text[name_start : self.pos]
        self.skip_space()
        if self.text.startswith("/>", self.pos):
            self.pos += 2
            self.result.tags.add(name)
            return
        if self.char() != ">":
            raise self.error("INVALID_TAG")
        self.pos += 1
        self.result.tags.add(name)
        self.message(nesting + 1, parent_type, closing_tag=True)
        if not self.text.startswith("</", self.pos):
            raise self.error("UNCLOSED_TAG")
        self.pos += 2
        closing = self.identifier()
        if closing != name:
            raise self.error("UNMATCHED_CLOSING_TAG")
        self.skip_space()
        if self.char() != ">":
            raise self.error("INVALID_TAG")
        self.pos += 1

    def argument(self, nesting: int) -> None:
        self.pos += 1  # {
        self.skip_space()
        if self.eof():
            raise self.error("EXPECT_ARGUMENT_CLOSING_BRACE")
        if self.char() == "}":
            raise self.error("EMPTY_ARGUMENT")
        name = self.identifier()
        if not name:
            raise self.error("MALFORMED_ARGUMENT")
        self.result.arguments.add(name)
        self.skip_space()
        if self.eof():
            raise self.error("EXPECT_ARGUMENT_CLOSING_BRACE")
        if self.char() == "}":
            self.pos += 1
            return
        if self.char() != ",":
            raise self.error("MALFORMED_ARGUMENT")
        self.pos += 1
        self.skip_space()
        kind = self.identifier()
        self.skip_space()
        if kind in SIMPLE_TYPES:
            self.simple_style()
        elif kind in OPTION_TYPES:
            self.options(nesting, kind)
        elif not kind:
            raise self.error("EXPECT_ARGUMENT_TYPE")
        else:
            raise self.error("INVALID_ARGUMENT_TYPE")

    def simple_style(self) -> None:
        if self.char() == ",":
            self.pos += 1
            start = self.pos
            depth = 0
            while not self.eof() and not (self.char() == "}" and depth == 0):
                depth += {"{": 1, "}": -1}.get(self.char(), 0)
                self.pos += 1
            if not self.text[start : self.pos].strip():
                raise self.error("EXPECT_ARGUMENT_STYLE")
        if self.char() != "}":
            raise self.error("EXPECT_ARGUMENT_CLOSING_BRACE")
        self.pos += 1

    def options(self, nesting: int, kind: str) -> None:
        if self.char() != ",":
            raise self.error("EXPECT_SELECT_ARGUMENT_OPTIONS")
        self.pos += 1
        self.skip_space()
        if kind in PLURAL_TYPES and self.text.startswith("offset:", self.pos):
            self.pos += len("offset:")
            self.skip_space()
            self.identifier()
            self.skip_space()
        selectors: set[str] = set()
        while not self.eof() and self.char() != "}":
            selector = self.identifier()
            if not selector:
                raise self.error("EXPECT_PLURAL_ARGUMENT_SELECTOR")
            if selector in selectors:
                raise self.error("DUPLICATE_SELECT_ARGUMENT_SELECTOR")
            selectors.add(selector)
            self.skip_space()
            if self.char() != "{":
                raise self.error("EXPECT_SELECT_ARGUMENT_SELECTOR_FRAGMENT")
            self.pos += 1
            self.message(nesting + 1, kind, closing_tag=False)
            if self.char() != "}":
                raise self.error("EXPECT_ARGUMENT_CLOSING_BRACE")
            self.pos += 1
            self.skip_space()
        if "other" not in selectors:
            raise self.error("MISSING_OTHER_CLAUSE")
        if self.char() != "}":
            raise self.error("EXPECT_ARGUMENT_CLOSING_BRACE")
        self.pos += 1


def parse(text: str) -> Parsed:
    """Parse one message; raises IcuError where the frontend would show a Translation error."""
    parser = _Parser(text)
    parser.message(0, None, closing_tag=False)
    return parser.result
