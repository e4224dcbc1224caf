"""The programme report's building blocks: sections of text, numbered tables whose cells carry
both the rounded text and the unrounded value, and numbered figures. Built by
`programme_report.py`, laid out by `documents.py` and the report templates."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaderasi.core import numbers as fmt
from kaderasi.reports import charts

ProgressCallback = Callable[[int, str], None]

# A listing (one row per mother or cadre) longer than this shows its first rows on the page and
# in the PDF, and says how many it left out; the workbook always holds every row. One printed page.
LISTING_ROWS_SHOWN = 40


@dataclass(frozen=True)
class SkillStep:
    """Pass rate of one SOP step in the cadres' re-demonstrations (the training app's skill
    assessments, summarised): `passed` of `assessed` cadres did the step correctly."""

    number: int
    title: str
    critical: bool
    assessed: int
    passed: int


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False
    excel_format: str = ""
    width: int = 12


@dataclass(frozen=True)
class Cell:
    """`text` is what a reader sees; `value` is the unrounded value a workbook stores."""

    text: str
    value: object = None
    strong: bool = False

    @property
    def stored(self):
        return self.text if self.value is None else self.value


@dataclass
class Table:
    key: str
    number: int
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    footer: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    kind: str = "table"
    # A listing shows at most this many rows on the page and in the PDF (None: every row).
    shown_rows: int | None = None

    @property
    def rows_left_out(self) -> int:
        """How many rows the page and the PDF leave out (the workbook has them all)."""
        return 0 if self.shown_rows is None else max(0, len(self.rows) - self.shown_rows)

    @property
    def left_out_note(self) -> str:
        """Where the rows the page and the PDF leave out are: the report's workbook."""
        if not self.rows_left_out:
            return ""
        return ngettext(
            "The first %(shown)s of %(total)s rows are shown; the other %(left_out)s row is in "
            "the Excel workbook of this report (sheet “%(sheet)s”).",
            "The first %(shown)s of %(total)s rows are shown; the other %(left_out)s rows are in "
            "the Excel workbook of this report (sheet “%(sheet)s”).",
            self.rows_left_out,
        ) % {
            "shown": fmt.number(self.shown_rows, 0),
            "total": fmt.number(len(self.rows), 0),
            "left_out": fmt.number(self.rows_left_out, 0),
            "sheet": self.sheet_name,
        }

    @property
    def print_widths(self) -> list[str]:
        """Each column's share of the printed table's width in percent (as text with a point),
        in proportion to its width in the workbook (at least its heading's longest word). The
        PDF lays tables out from these (`table-layout: fixed`) instead of measuring every
        cell's text twice, a third of a report's layout time (docs/performance.md)."""
        # A column is at least as wide as the longest word of its heading (a fixed layout
        # would let a longer heading run into the next column).
        widths = [
            max(column.width, max(map(len, column.label.split()), default=0) + 2)
            for column in self.columns
        ]
        total = sum(widths) or 1
        return [f"{100 * width / total:.2f}" for width in widths]

    @property
    def sheet_name(self) -> str:
        """The name of this table's sheet in the report's workbook."""
        return f"{_('Table')} {self.number}"[:31]

    @property
    def display_rows(self) -> list[list[tuple[Cell, bool]]]:
        """Rows with each cell's alignment (numbers right-aligned), for templates; a listing's
        first `shown_rows` only."""
        return [
            [(cell, column.numeric) for cell, column in zip(row, self.columns, strict=True)]
            for row in self.rows[: self.shown_rows]
        ]

    @property
    def display_footer(self) -> list[list[tuple[Cell, bool]]]:
        return [
            [(cell, column.numeric) for cell, column in zip(row, self.columns, strict=True)]
            for row in self.footer
        ]


@dataclass
class Figure:
    number: int
    chart: charts.Chart
    note: str = ""
    kind: str = "figure"


@dataclass
class FigureRow:
    """Figures shown side by side (each half the text width)."""

    figures: list[Figure]
    kind: str = "figure_row"


@dataclass(frozen=True)
class Paragraph:
    text: str
    lead: str = ""

    def __str__(self) -> str:
        return f"{self.lead}. {self.text}" if self.lead else self.text


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[Paragraph | str] = field(default_factory=list)
    blocks: list = field(default_factory=list)
    empty_message: str = ""


@dataclass
class ProgrammeReportDocument:
    language: str
    generated_on: dt.date
    pseudonymised: bool
    programme: object
    kind_label: str
    title: str
    area_text: str
    period_text: str
    team: list[str]
    facts: list[tuple[str, str]]
    illustrative_note: str
    sections: list[Section]
    limitations: list[str]
    conclusion: str
    conclusion_is_suggestion: bool
    sources: list[str]

    @property
    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if b.kind == "table"]

    @property
    def figures(self) -> list[Figure]:
        figures = []
        for section in self.sections:
            for block in section.blocks:
                if block.kind == "figure":
                    figures.append(block)
                elif block.kind == "figure_row":
                    figures.extend(block.figures)
        return figures

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


class Numbering:
    def __init__(self) -> None:
        self.tables = 0
        self.figures = 0

    def table(self) -> int:
        self.tables += 1
        return self.tables

    def figure(self) -> int:
        self.figures += 1
        return self.figures
