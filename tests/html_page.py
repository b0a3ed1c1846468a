"""Reads a chart page back with the stdlib's html.parser: its headings, charts, tables and every URL it names."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

SVG_NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


@dataclass
class Section:
    heading: str = ""
    caption: str = ""
    svgs: int = 0
    rows: list[list[str]] = field(default_factory=list)  # the table's rows, header row first


class PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.parameters: dict[str, str] = {}
        self.sections: list[Section] = []
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value) of every src, href and xmlns
        self.scripts = 0
        self._stack: list[str] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_parameters = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name in ("src", "href") or name.startswith("xmlns") or (value or "").startswith(("http:", "https:")):
                self.urls.append((tag, name, value or ""))
        self.scripts += tag == "script"
        if tag == "section" and attributes.get("class") == "chart":
            self.sections.append(Section())
        elif tag == "table":
            self._in_parameters = attributes.get("class") == "parameters"
        elif tag == "svg" and self.sections:
            self.sections[-1].svgs += 1
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        if tag not in ("meta", "br", "img", "input", "link") and not tag.startswith("svg:"):
            self._stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._in_parameters:
                self.parameters[self._row[0]] = self._row[1]
            elif self.sections:
                self.sections[-1].rows.append(self._row)
            self._row = None
        while self._stack:
            if self._stack.pop() == tag:
                break

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        current = self._stack[-1] if self._stack else ""
        if current == "title" and "svg" not in self._stack:
            self.title += data
        elif current == "h2" and self.sections:
            self.sections[-1].heading += data
        elif current == "p" and self.sections and "figure" not in self._stack:
            self.sections[-1].caption += data


def read_page(text: str) -> PageReader:
    reader = PageReader()
    reader.feed(text)
    reader.close()
    return reader


def external_urls(reader: PageReader) -> list[tuple[str, str, str]]:
    """Every URL the page names but the SVG namespaces: a page that opens offline names none."""
    return [
        (tag, name, value)
        for tag, name, value in reader.urls
        if not (name.startswith("xmlns") and value in SVG_NAMESPACES) and not value.startswith("#")
    ]


def cell(value: object) -> str:
    """A figure as the page prints it."""
    return "–" if value is None else str(value)
