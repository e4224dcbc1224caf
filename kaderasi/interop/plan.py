"""What an import will create (the plan checked before anything is saved), and its problems."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import ngettext

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.core.errors import DomainError
from kaderasi.interop.areas import AreaResolver, PosyanduTarget
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.workbook import PROGRAMME, PROGRAMME_COLUMNS, SHEETS
from kaderasi.regions.models import Area


@dataclass(frozen=True)
class ImportIssue:
    """One problem of the file: `sheet` and `row` are empty for the file as a whole."""

    sheet: str
    row: int | None
    column: str
    code: StrEnum
    message: str


SHEET_ORDER = (PROGRAMME, *SHEETS)


def _issue_order(issue: ImportIssue) -> tuple:
    sheet_position = SHEET_ORDER.index(issue.sheet) if issue.sheet in SHEET_ORDER else -1
    columns = SHEETS[issue.sheet].column_names if issue.sheet in SHEETS else PROGRAMME_COLUMNS
    column_position = columns.index(issue.column) if issue.column in columns else len(columns)
    return (sheet_position, issue.row or 0, column_position)


class ImportRejected(DomainError):
    """The workbook has problems; nothing was saved. `issues` lists every one of them, in the
    order of the sheets, rows and columns."""

    def __init__(self, issues: list[ImportIssue]):
        issues = sorted(issues, key=_issue_order)
        super().__init__(
            InteropErrorCode.INVALID_ROWS,
            ngettext(
                "The file has %(n)d problem; nothing was imported.",
                "The file has %(n)d problems; nothing was imported.",
                len(issues),
            )
            % {"n": len(issues)},
        )
        self.issues = issues


@dataclass
class ProgrammePlan:
    name: str = ""
    description: str = ""
    area: Area | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    design: str = ""
    is_illustrative: bool = False
    data_note: str = ""
    ends_on_row: int | None = None
    # The protocol's measurement days (decision 0110); None keeps the programme's default.
    baseline_days: tuple[int, int] | None = None
    follow_up_days: tuple[int, int] | None = None
    follow_up_after_baseline: bool | None = None
    analyse_protocol_conformant_only: bool | None = None
    # Whether a mother is in the comparison group (known when the sheet gives no design).
    has_comparison: bool = False


@dataclass
class CadrePlan:
    row: int
    code: str
    name: str
    phone: str
    target: PosyanduTarget | None


@dataclass
class ScorePlan:
    row: int
    cadre_key: str
    phase: str
    score: Decimal
    taken_on: dt.date | None


@dataclass
class MotherPlan:
    row: int
    code: str
    name: str
    cadre_key: str | None
    group: str
    delivery_date: dt.date | None
    delivered_at: dt.datetime | None
    delivery_type: str
    parity: int | None
    target: PosyanduTarget | None


@dataclass
class VolumePlan:
    """`measured_at` is None when the workbook gives no date at all and the mother no delivery:
    the volume is then stored on the programme's first day."""

    row: int
    mother_key: str
    phase: str
    volume_ml: Decimal
    measured_at: dt.datetime | None
    method: str
    basis: str


@dataclass
class ImportPlan:
    """What the import creates beside its rows (which come a chunk at a time: decision 0195)."""

    programme: ProgrammePlan
    resolver: AreaResolver | None
    existing_cadres: dict[str, Cadre] = field(default_factory=dict)
    existing_mothers: dict[str, Mother] = field(default_factory=dict)
    # Rows imported as they are but worth a look (a volume outside the protocol's days).
    warnings: list[ImportIssue] = field(default_factory=list)
    # Rows checked and planned, per sheet.
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return sum(self.counts.values())


def issue_as_json(issue: ImportIssue) -> dict:
    """An issue as stored with an import (`ProgrammeImport.warnings`)."""
    return {
        "sheet": issue.sheet,
        "row": issue.row,
        "column": issue.column,
        "code": str(issue.code),
        "message": issue.message,
    }


def issue_from_json(data: dict) -> ImportIssue:
    return ImportIssue(data["sheet"], data["row"], data["column"], data["code"], data["message"])


def key_of(code: str) -> str:
    """Codes are matched across sheets without regard to case or surrounding spaces."""
    return code.strip().casefold()
