"""Checking a programme workbook, a chunk of rows at a time (decision 0195).

Every cell is checked against its column's rule and every reference against the other sheets and
the programme's existing rows; *all* problems are collected (sheet, row as Excel shows it, column,
rule), so a coordinator fixes the file once. The rows are read as they are checked and handed on
in chunks (the import writes each before the next is read); of the rows checked only what later
rows are checked against is kept (codes, deliveries, phases). Nothing here writes to the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils import timezone
from django.utils.translation import gettext as _

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Delivery, Measurement, MeasurementKind, Mother
from kaderasi.care.plausibility import measurement_value_check
from kaderasi.care.timing import postpartum_day
from kaderasi.core.chunks import chunks
from kaderasi.core.errors import DomainError
from kaderasi.interop import cells
from kaderasi.interop.areas import AreaProblem, AreaResolver, PosyanduTarget, area_from_reference
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.placement import Misplaced, delivery_moment, measurement_moment
from kaderasi.interop.plan import (
    CadrePlan,
    ImportIssue,
    ImportPlan,
    ImportRejected,
    MotherPlan,
    ProgrammePlan,
    ScorePlan,
    VolumePlan,
    key_of,
)
from kaderasi.interop.workbook import (
    BASES,
    CADRES,
    DELIVERY_TYPES,
    GROUPS,
    KNOWLEDGE_TESTS,
    METHODS,
    MILK_VOLUMES,
    MOTHERS,
    PHASES_KNOWLEDGE,
    PHASES_MILK,
    PROGRAMME,
    PROGRAMME_COLUMNS,
    PROGRAMME_FIELDS,
    SHEETS,
    RawRow,
    RawWorkbook,
)
from kaderasi.programmes.models import Programme, StudyDesign
from kaderasi.programmes.protocol_days import AFTER, BEFORE, ProtocolDays
from kaderasi.regions.models import Area
from kaderasi.training.models import TestAttempt

CODE_MAX_LENGTH = 32
NAME_MAX_LENGTH = 120
PROGRAMME_NAME_MAX_LENGTH = 200
SLUG_MAX_LENGTH = 60
MAX_POSTPARTUM_DAY = 42
PARITY_RANGE = (1, 20)
SCORE_RANGE = (Decimal(0), Decimal(100))
SCORE_DECIMALS = 2
VOLUME_DECIMALS = 1


def workbook_check(
    workbook: RawWorkbook,
    *,
    programme: Programme | None,
    slug: str,
    name: str,
    area: Area | None,
    now: dt.datetime,
    checked: Callable[[int, int], None] | None = None,
) -> WorkbookCheck:
    """Start checking `workbook` for an import into `programme` (None: a new programme `slug`):
    the sheets' structure and the programme sheet. Raises DomainError for a problem of the import
    as a whole (no area for a new programme, a name too long). The rows are checked a chunk at a
    time by `WorkbookCheck.chunks`; `checked(done, total)` hears of each data row checked."""
    check = WorkbookCheck(
        workbook, programme=programme, slug=slug, name=name, area=area, now=now, checked=checked
    )
    check.begin()
    return check


@dataclass(frozen=True)
class PlanChunk:
    """Rows of one sheet, checked, that the import writes together."""

    sheet: str
    rows: list


class WorkbookCheck:
    """Checks a workbook's rows a chunk at a time (decision 0195), keeping of the rows already
    checked only what later rows are checked against: the codes seen (with their rows, for the
    messages), each cadre's posyandu, each mother's delivery, the phases of volumes seen. Every
    problem is kept, whichever chunk it is in, and reported at the end (`finish`)."""

    def __init__(self, workbook, *, programme, slug, name, area, now, checked=None):
        self.workbook = workbook
        self.checked = checked
        self.rows_checked = 0
        self.programme = programme
        self.slug = slug
        self.name = name
        self.area = area
        self.now = now
        self.today = timezone.localdate(now)
        self.zone = timezone.get_default_timezone()
        self.past_date = cells.past_date(self.today)
        self.issues: list[ImportIssue] = []
        # A new programme starts with the protocol's default days (decision 0110).
        self.protocol = ProtocolDays.of(programme if programme is not None else Programme())
        self.present_columns: dict[str, set[str]] = {}
        # What later rows are checked against (codes as keys: `key_of`).
        self.cadre_rows: dict[str, int] = {}
        self.cadre_targets: dict[str, PosyanduTarget | None] = {}
        self.score_rows: dict[tuple[str, str], int] = {}
        self.scored: set[str] = set()
        self.mother_rows: dict[str, int] = {}
        self.mother_codes_written: set[str] = set()
        self.deliveries: dict[str, dt.datetime | None] = {}
        self.volume_rows: dict[tuple[str, str], int] = {}
        self.planned_volumes: dict[tuple[str, str], _PlannedVolume] = {}
        self.existing_deliveries: dict[str, dt.datetime] = {}
        self.existing_phases: set[tuple[str, str]] = set()
        self.plan = ImportPlan(programme=ProgrammePlan(), resolver=None)

    # --- the whole import --------------------------------------------------------------------

    def begin(self) -> ImportPlan:
        """The structure and the programme sheet; what the rows will be checked against."""
        self._check_structure()
        programme_plan = self._programme_plan()
        programme_area = self.programme.area if self.programme else programme_plan.area
        resolver = AreaResolver(programme_area) if programme_area is not None else None
        plan = self.plan = ImportPlan(programme=programme_plan, resolver=resolver)
        if self.programme is not None:
            plan.existing_cadres = {
                key_of(cadre.code): cadre
                for cadre in Cadre.objects.filter(programme=self.programme).select_related(
                    "posyandu__parent"
                )
            }
            plan.existing_mothers = {
                key_of(mother.code): mother
                for mother in Mother.objects.filter(programme=self.programme)
            }
            self.scored = self._cadres_with_scores(plan)
            self.existing_deliveries, self.existing_phases = self._existing_care(
                plan.existing_mothers
            )
        else:
            self._programme_period(plan)
        for key, cadre in plan.existing_cadres.items():
            self.cadre_targets[key] = PosyanduTarget(
                village=cadre.posyandu.parent, name=cadre.posyandu.name, existing=cadre.posyandu
            )
        return plan

    def chunks(self, size: int) -> Iterator[PlanChunk]:
        """The checked rows of the data sheets, `size` rows of a sheet at a time, in the order
        they are written (cadres, knowledge tests, mothers, volumes). Once a problem is found
        the rest is still checked, to report every problem, but no chunk is given any more:
        the import will not be written."""
        sheets = (
            (CADRES, self._cadre),
            (KNOWLEDGE_TESTS, self._score),
            (MOTHERS, self._mother),
            (MILK_VOLUMES, self._volume),
        )
        for sheet, check in sheets:
            for rows in chunks(self._checked_rows(sheet), size):
                planned: list = []
                for row in rows:
                    check(row, planned)
                self.plan.counts[sheet] = self.plan.counts.get(sheet, 0) + len(planned)
                if planned and not self.issues:
                    yield PlanChunk(sheet, planned)

    def finish(self) -> ImportPlan:
        """Raise ImportRejected listing every problem found, if any."""
        if not self.issues and self.plan.row_count == 0:
            self._issue(
                "",
                None,
                "",
                InteropErrorCode.NO_DATA,
                _(
                    "The file has no rows to import: it needs at least one of the sheets "
                    "cadres, knowledge_tests, mothers or milk_volumes, with a header row."
                ),
            )
        if self.issues:
            raise ImportRejected(self.issues)
        return self.plan

    def _programme_period(self, plan: ImportPlan) -> None:
        """A new programme starts on the sheet's starts_on, else on the earliest date of its data,
        else today; it cannot end before it starts. Its design, when the sheet gives none, is
        two-group when a mother is in the comparison group. Both are known before its first row
        is written, from a first look at the dates and groups (the cells as `_cell` parses them:
        once every row is valid these are the dates the rows are stored with)."""
        period = plan.programme
        if period.starts_on is None or not period.design:
            earliest, period.has_comparison = self._first_date_and_comparison()
            period.starts_on = period.starts_on or earliest
        period.starts_on = period.starts_on or self.today
        if period.ends_on is not None and period.ends_on < period.starts_on:
            self._issue(
                PROGRAMME,
                period.ends_on_row,
                "value",
                InteropErrorCode.ENDS_BEFORE_START,
                _("The programme cannot end (%(ends)s) before it starts (%(starts)s).")
                % {"ends": period.ends_on.isoformat(), "starts": period.starts_on.isoformat()},
            )

    def _first_date_and_comparison(self) -> tuple[dt.date | None, bool]:
        earliest: dt.date | None = None
        comparison = False
        groups = cells.choice(GROUPS)
        for sheet, column in (
            (KNOWLEDGE_TESTS, "taken_on"),
            (MOTHERS, "delivery_date"),
            (MILK_VOLUMES, "measured_on"),
        ):
            for row in self._rows(sheet):
                day = _parsed(self.past_date, row.values.get(column))
                if day is not None and (earliest is None or day < earliest):
                    earliest = day
                if sheet == MOTHERS and _parsed(groups, row.values.get("group")) == GROUPS[1]:
                    comparison = True
        return earliest, comparison

    def _issue(self, sheet, row, column, code, message) -> None:
        self.issues.append(ImportIssue(sheet, row, column, code, str(message)))

    def _check_structure(self) -> None:
        for sheet_name in self.workbook.unknown_sheets:
            self._issue(
                sheet_name,
                None,
                "",
                InteropErrorCode.UNKNOWN_SHEET,
                _(
                    "No sheet of the import has this name, so nothing in it would be imported. "
                    "Name it after one of the sheets: %(sheets)s."
                )
                % {"sheets": ", ".join((PROGRAMME, *SHEETS))},
            )
        for sheet_name, sheet in self.workbook.sheets.items():
            if sheet_name == PROGRAMME:
                expected: tuple[str, ...] = PROGRAMME_COLUMNS
                required: tuple[str, ...] = PROGRAMME_COLUMNS
            else:
                expected = SHEETS[sheet_name].column_names
                required = SHEETS[sheet_name].required_names
            if not sheet.header and not sheet.row_count:
                continue
            seen: set[str] = set()
            for column in sheet.header:
                if not column:
                    continue
                if column in seen:
                    self._issue(
                        sheet_name,
                        sheet.header_row,
                        column,
                        InteropErrorCode.DUPLICATE_COLUMN,
                        _("The column appears twice in the header row."),
                    )
                elif column not in expected:
                    self._issue(
                        sheet_name,
                        sheet.header_row,
                        column,
                        InteropErrorCode.UNKNOWN_COLUMN,
                        _("Unknown column. The columns of this sheet are: %(columns)s.")
                        % {"columns": ", ".join(expected)},
                    )
                seen.add(column)
            for column in required:
                if column not in seen:
                    self._issue(
                        sheet_name,
                        sheet.header_row,
                        column,
                        InteropErrorCode.MISSING_COLUMN,
                        _("The required column is missing from the header row."),
                    )
            self.present_columns[sheet_name] = seen

    def _rows(self, sheet_name: str) -> Iterable[RawRow]:
        """The rows of a sheet, read as they are asked for (from the file, for a file)."""
        sheet = self.workbook.sheets.get(sheet_name)
        return sheet.rows if sheet is not None else []

    def _checked_rows(self, sheet_name: str) -> Iterator[RawRow]:
        """The rows of a data sheet, each counted as checked once the loop is past it."""
        total = self.workbook.row_count
        for row in self._rows(sheet_name):
            yield row
            self.rows_checked += 1
            if self.checked is not None:
                self.checked(self.rows_checked, total)

    # --- cells -------------------------------------------------------------------------------

    def _cell(
        self,
        sheet: str,
        row: RawRow,
        column: str,
        parse: Callable[[Any], Any],
        *,
        required: bool = False,
    ) -> Any:
        """The parsed value of a cell, or None (recording an issue) when it breaks its rule."""
        raw = row.values.get(column)
        if raw is None:
            if required and column in self.present_columns.get(sheet, ()):
                self._issue(
                    sheet, row.number, column, InteropErrorCode.REQUIRED, _("A value is required.")
                )
            return None
        try:
            return parse(raw)
        except cells.CellInvalid as invalid:
            self._issue(sheet, row.number, column, invalid.code, invalid.message)
            return None

    def _programme_plan(self) -> ProgrammePlan:
        plan = ProgrammePlan()
        if self.programme is not None:
            # The programme sheet describes a programme when an import creates it; an import into
            # an existing programme adds rows and leaves the programme's settings alone.
            return plan
        rows = (
            self._rows(PROGRAMME)
            if PROGRAMME_COLUMNS[0] in self.present_columns.get(PROGRAMME, ())
            else []
        )
        given: dict[str, RawRow] = {}
        for row in rows:
            field_name = str(row.values.get("field") or "").strip().lower()
            if not field_name:
                continue
            if field_name not in PROGRAMME_FIELDS:
                self._issue(
                    PROGRAMME,
                    row.number,
                    "field",
                    InteropErrorCode.UNKNOWN_FIELD,
                    _("Unknown field “%(field)s”. The fields are: %(fields)s.")
                    % {"field": field_name, "fields": ", ".join(PROGRAMME_FIELDS)},
                )
                continue
            if field_name in given:
                self._issue(
                    PROGRAMME,
                    row.number,
                    "field",
                    InteropErrorCode.DUPLICATE_CODE,
                    _("The field %(field)s is also given in row %(row)s.")
                    % {"field": field_name, "row": given[field_name].number},
                )
                continue
            given[field_name] = row

        def value(field_name: str, parse: Callable[[Any], Any]) -> Any:
            row = given.get(field_name)
            return self._cell(PROGRAMME, row, "value", parse) if row else None

        plan.name = value("name", cells.text(PROGRAMME_NAME_MAX_LENGTH)) or ""
        plan.description = value("description", str) or ""
        plan.data_note = value("data_note", str) or ""
        plan.starts_on = value("starts_on", self.past_date)
        plan.ends_on = value("ends_on", cells.any_date)
        plan.design = value("design", cells.choice(StudyDesign.values)) or ""
        plan.is_illustrative = bool(value("is_illustrative", cells.yes_no))
        plan.baseline_days = value("baseline_days", _day_range)
        plan.follow_up_days = value("follow_up_days", _day_range)
        plan.follow_up_after_baseline = value("follow_up_after_baseline", cells.yes_no)
        plan.analyse_protocol_conformant_only = value(
            "analyse_protocol_conformant_only", cells.yes_no
        )
        self.protocol = _protocol_of(self.protocol, plan)
        sheet_area = value("area", self._area)
        if "ends_on" in given:
            plan.ends_on_row = given["ends_on"].number
        plan.area = self.area or sheet_area
        area_written = "area" in given and given["area"].values.get("value") is not None
        if plan.area is None and not area_written:
            raise DomainError(
                InteropErrorCode.AREA_REQUIRED,
                _(
                    "A new programme needs an area: choose one, or fill in the area field of the "
                    "programme sheet."
                ),
                field="area",
            )
        plan.name = (self.name or plan.name or self.slug).strip()
        if len(plan.name) > PROGRAMME_NAME_MAX_LENGTH:
            raise DomainError(
                InteropErrorCode.TOO_LONG,
                _("The programme name is longer than %(max)s characters.")
                % {"max": PROGRAMME_NAME_MAX_LENGTH},
                field="name",
            )
        return plan

    def _area(self, raw: Any) -> Area:
        area = area_from_reference(cells.as_text(raw))
        if area is None:
            raise cells.CellInvalid(
                InteropErrorCode.AREA_NOT_FOUND,
                _(
                    "No area “%(value)s”: give its official code or its names from the province "
                    "down, separated by “/”."
                )
                % {"value": cells.as_text(raw)},
            )
        return area

    # --- sheets ------------------------------------------------------------------------------

    def _codes(
        self, sheet: str, row: RawRow, column: str, seen: dict[str, int], existing: dict
    ) -> str | None:
        code = self._cell(sheet, row, column, cells.text(CODE_MAX_LENGTH), required=True)
        if code is None:
            return None
        key = key_of(code)
        if key in seen:
            self._issue(
                sheet,
                row.number,
                column,
                InteropErrorCode.DUPLICATE_CODE,
                _("The code %(code)s is also used in row %(row)s.")
                % {"code": code, "row": seen[key]},
            )
            return None
        seen[key] = row.number
        if key in existing:
            self._issue(
                sheet,
                row.number,
                column,
                InteropErrorCode.CODE_EXISTS,
                _("The programme already has someone with the code %(code)s.") % {"code": code},
            )
            return None
        return code

    def _cadre(self, row: RawRow, planned: list) -> None:
        plan = self.plan
        code = self._codes(CADRES, row, "code", self.cadre_rows, plan.existing_cadres)
        name = self._cell(CADRES, row, "name", cells.text(NAME_MAX_LENGTH), required=True)
        phone = self._cell(CADRES, row, "phone", cells.phone) or ""
        village = self._cell(CADRES, row, "village", cells.text(NAME_MAX_LENGTH))
        posyandu = self._cell(CADRES, row, "posyandu", cells.text(NAME_MAX_LENGTH))
        target = None
        if plan.resolver is not None:
            target = self._placed(CADRES, row, village=village, posyandu=posyandu)
        if code is None:
            return
        # A code without a name stays known, so that references to it raise no second problem.
        self.cadre_targets[key_of(code)] = target
        if name is not None:
            planned.append(
                CadrePlan(row=row.number, code=code, name=name, phone=phone, target=target)
            )

    def _placed(
        self, sheet: str, row: RawRow, *, village: str | None, posyandu: str | None
    ) -> PosyanduTarget | None:
        """The posyandu a row names, or None (the problem recorded) when it cannot be placed."""
        resolution = self.plan.resolver.resolve(village=village, posyandu=posyandu)
        if isinstance(resolution, AreaProblem):
            self._issue(sheet, row.number, resolution.column, resolution.code, resolution.message)
            return None
        return resolution

    def _score(self, row: RawRow, planned: list) -> None:
        code = self._cell(KNOWLEDGE_TESTS, row, "cadre_code", cells.as_text, required=True)
        phase = self._cell(
            KNOWLEDGE_TESTS, row, "phase", cells.choice(PHASES_KNOWLEDGE), required=True
        )
        score = self._cell(
            KNOWLEDGE_TESTS,
            row,
            "score",
            cells.decimal(*SCORE_RANGE, SCORE_DECIMALS),
            required=True,
        )
        taken_on = self._cell(KNOWLEDGE_TESTS, row, "taken_on", self.past_date)
        if code is not None and key_of(code) not in self.cadre_targets:
            self._issue(
                KNOWLEDGE_TESTS,
                row.number,
                "cadre_code",
                InteropErrorCode.UNKNOWN_CADRE,
                _("No cadre has the code %(code)s (see the cadres sheet).") % {"code": code},
            )
            return
        if code is not None and key_of(code) in self.scored:
            # The import puts its scores in a training of their own, and the evaluation
            # counts a cadre's first training only: these would be stored but never counted.
            self._issue(
                KNOWLEDGE_TESTS,
                row.number,
                "cadre_code",
                InteropErrorCode.SCORES_EXIST,
                _(
                    "Cadre %(code)s already has knowledge test scores in kaderasi. The "
                    "evaluation counts only the scores of her first training, so a score "
                    "imported now would never be counted; record a missing score in that "
                    "training in kaderasi instead."
                )
                % {"code": code},
            )
            return
        if code is None or phase is None:
            return
        pair = (key_of(code), phase)
        seen = self.score_rows
        if pair in seen:
            self._issue(
                KNOWLEDGE_TESTS,
                row.number,
                "phase",
                InteropErrorCode.DUPLICATE_SCORE,
                _("Cadre %(code)s already has a %(phase)s score in row %(row)s.")
                % {"code": code, "phase": phase, "row": seen[pair]},
            )
            return
        seen[pair] = row.number
        if score is not None:
            planned.append(
                ScorePlan(
                    row=row.number,
                    cadre_key=key_of(code),
                    phase=phase,
                    score=score,
                    taken_on=taken_on,
                )
            )

    def _cadres_with_scores(self, plan: ImportPlan) -> set[str]:
        """Keys of the programme's existing cadres who have a knowledge test score already."""
        if not plan.existing_cadres:
            return set()
        key_by_pk = {cadre.pk: key for key, cadre in plan.existing_cadres.items()}
        scored = TestAttempt.objects.filter(
            training__programme=self.programme, cadre__in=plan.existing_cadres.values()
        ).values_list("cadre_id", flat=True)
        return {key_by_pk[cadre_id] for cadre_id in scored}

    def _mother(self, row: RawRow, planned: list) -> None:
        plan = self.plan
        written = row.values.get("code")
        if written is not None:
            # References to a code written here are not reported a second time when her row
            # has another problem.
            self.mother_codes_written.add(key_of(cells.as_text(written)))
        code = self._codes(MOTHERS, row, "code", self.mother_rows, plan.existing_mothers)
        name = self._cell(MOTHERS, row, "name", cells.text(NAME_MAX_LENGTH), required=True)
        cadre_code = self._cell(MOTHERS, row, "cadre_code", cells.as_text)
        group = self._cell(MOTHERS, row, "group", cells.choice(GROUPS)) or GROUPS[0]
        delivery_date = self._cell(MOTHERS, row, "delivery_date", self.past_date)
        delivery_type = self._cell(MOTHERS, row, "delivery_type", cells.choice(DELIVERY_TYPES))
        parity = self._cell(MOTHERS, row, "parity", cells.integer(*PARITY_RANGE))
        village = self._cell(MOTHERS, row, "village", cells.text(NAME_MAX_LENGTH))
        posyandu = self._cell(MOTHERS, row, "posyandu", cells.text(NAME_MAX_LENGTH))
        if delivery_date is None and row.values.get("delivery_date") is None:
            for column, value in (("delivery_type", delivery_type), ("parity", parity)):
                if value is not None:
                    self._issue(
                        MOTHERS,
                        row.number,
                        column,
                        InteropErrorCode.DELIVERY_DATE_REQUIRED,
                        _("%(column)s is kept with the delivery: fill in delivery_date too.")
                        % {"column": column},
                    )
        cadre_key = None
        default_target = plan.resolver.default_target() if plan.resolver else None
        target = default_target
        if cadre_code is not None:
            if key_of(cadre_code) not in self.cadre_targets:
                self._issue(
                    MOTHERS,
                    row.number,
                    "cadre_code",
                    InteropErrorCode.UNKNOWN_CADRE,
                    _("No cadre has the code %(code)s (see the cadres sheet).")
                    % {"code": cadre_code},
                )
            else:
                cadre_key = key_of(cadre_code)
                target = self.cadre_targets[cadre_key]
        if (village or posyandu) and plan.resolver is not None:
            # Her own posyandu, written in the sheet, comes before her cadre's (a comparison
            # mother has no cadre at all).
            target = self._placed(MOTHERS, row, village=village, posyandu=posyandu) or target
        elif cadre_code is None and default_target is None and plan.resolver is not None:
            self._issue(
                MOTHERS,
                row.number,
                "posyandu",
                InteropErrorCode.VILLAGE_REQUIRED,
                _(
                    "The programme covers several villages: fill in her posyandu and village, "
                    "or her cadre_code so that she is registered at her cadre's posyandu."
                ),
            )
        if code is None or name is None:
            return
        delivered_at = self._delivered_at(delivery_date)
        self.deliveries[key_of(code)] = delivered_at
        planned.append(
            MotherPlan(
                row=row.number,
                code=code,
                name=name,
                cadre_key=cadre_key,
                group=group,
                delivery_date=delivery_date,
                delivered_at=delivered_at,
                delivery_type=delivery_type or "",
                parity=parity,
                target=target,
            )
        )

    def _delivered_at(self, delivery_date: dt.date | None) -> dt.datetime | None:
        if delivery_date is None:
            return None
        return delivery_moment(delivery_date, now=self.now, zone=self.zone)

    def _volume(self, row: RawRow, planned: list) -> None:
        code = self._cell(MILK_VOLUMES, row, "mother_code", cells.as_text, required=True)
        phase = self._cell(MILK_VOLUMES, row, "phase", cells.choice(PHASES_MILK), required=True)
        volume = self._cell(MILK_VOLUMES, row, "volume_ml", _milk_volume, required=True)
        measured_on = self._cell(MILK_VOLUMES, row, "measured_on", self.past_date)
        day = self._cell(MILK_VOLUMES, row, "postpartum_day", cells.integer(1, MAX_POSTPARTUM_DAY))
        method = self._cell(MILK_VOLUMES, row, "method", cells.choice(METHODS)) or ""
        basis = self._cell(MILK_VOLUMES, row, "basis", cells.choice(BASES)) or "unknown"
        if code is None:
            return
        key = key_of(code)
        known = (
            key in self.deliveries
            or key in self.plan.existing_mothers
            or key in self.mother_codes_written
        )
        if not known:
            self._issue(
                MILK_VOLUMES,
                row.number,
                "mother_code",
                InteropErrorCode.UNKNOWN_MOTHER,
                _("No mother has the code %(code)s (see the mothers sheet).") % {"code": code},
            )
            return
        if phase is not None:
            seen = self.volume_rows
            if (key, phase) in seen:
                self._issue(
                    MILK_VOLUMES,
                    row.number,
                    "phase",
                    InteropErrorCode.DUPLICATE_VOLUME,
                    _(
                        "Mother %(code)s already has a volume for phase “%(phase)s” in row "
                        "%(row)s; keep one volume per mother and phase (the one to analyse)."
                    )
                    % {"code": code, "phase": phase, "row": seen[(key, phase)]},
                )
                return
            seen[(key, phase)] = row.number
            if (key, phase) in self.existing_phases:
                self._issue(
                    MILK_VOLUMES,
                    row.number,
                    "phase",
                    InteropErrorCode.VOLUME_EXISTS,
                    _("Mother %(code)s already has a volume for phase “%(phase)s” in kaderasi.")
                    % {"code": code, "phase": phase},
                )
                return
        if key in self.deliveries:
            delivered_at = self.deliveries[key]
        else:
            delivered_at = self.existing_deliveries.get(key)
        if row.values.get("measured_on") is not None and measured_on is None:
            return
        if row.values.get("postpartum_day") is not None and day is None:
            return
        try:
            measured_at = measurement_moment(
                measured_on=measured_on,
                day=day,
                delivered_at=delivered_at,
                now=self.now,
                zone=self.zone,
            )
        except Misplaced as misplaced:
            self._issue(
                MILK_VOLUMES, row.number, misplaced.column, misplaced.code, misplaced.message
            )
            return
        if phase is None or volume is None:
            return
        volume_plan = VolumePlan(
            row=row.number,
            mother_key=key,
            phase=phase,
            volume_ml=volume,
            measured_at=measured_at,
            method=method,
            basis=basis,
        )
        planned.append(volume_plan)
        self._protocol_days(volume_plan, delivered_at, measured_on_given=measured_on is not None)

    def _protocol_days(
        self, volume: VolumePlan, delivered_at: dt.datetime | None, *, measured_on_given: bool
    ) -> None:
        """A follow-up measured at or before its baseline is refused (when the protocol asks for
        the order); a volume on a postpartum day outside its window is imported with a warning.
        Live records answer to the care write path's phase rules instead (decision 0110)."""
        self.planned_volumes[(volume.mother_key, volume.phase)] = _PlannedVolume(
            volume.row, volume.measured_at, measured_on_given
        )
        if volume.measured_at is not None and delivered_at is not None:
            self._outside_protocol_days(volume, postpartum_day(delivered_at, volume.measured_at))
        if not self.protocol.follow_up_after_baseline:
            return
        before = self.planned_volumes.get((volume.mother_key, BEFORE))
        after = self.planned_volumes.get((volume.mother_key, AFTER))
        if before is None or after is None:
            return
        if before.measured_at is None or after.measured_at is None:
            return
        if after.measured_at >= before.measured_at:
            return
        self._issue(
            MILK_VOLUMES,
            after.row,
            "measured_on" if after.measured_on_given else "postpartum_day",
            InteropErrorCode.FOLLOW_UP_BEFORE_BASELINE,
            _(
                "The follow-up volume is measured before its baseline volume (row %(row)s, "
                "%(date)s); the protocol measures the follow-up after the baseline."
            )
            % {
                "row": before.row,
                "date": timezone.localtime(before.measured_at, self.zone).date().isoformat(),
            },
        )

    def _outside_protocol_days(self, volume: VolumePlan, day: int) -> None:
        if self.protocol.day_fits(volume.phase, day):
            return
        first, last = self.protocol.window(volume.phase)
        message = (
            _(
                "Imported, but outside the protocol: the baseline volume is measured on "
                "postpartum days %(first)s–%(last)s and this one is on day %(day)s."
            )
            if volume.phase == BEFORE
            else _(
                "Imported, but outside the protocol: the follow-up volume is measured on "
                "postpartum days %(first)s–%(last)s and this one is on day %(day)s."
            )
        )
        self.plan.warnings.append(
            ImportIssue(
                MILK_VOLUMES,
                volume.row,
                "postpartum_day",
                InteropErrorCode.OUTSIDE_PROTOCOL_DAYS,
                message % {"first": first, "last": last, "day": day},
            )
        )

    def _existing_care(self, existing_mothers: dict[str, Mother]):
        deliveries: dict[str, dt.datetime] = {}
        phases: set[tuple[str, str]] = set()
        if not existing_mothers:
            return deliveries, phases
        key_by_pk = {mother.pk: key for key, mother in existing_mothers.items()}
        for delivery in Delivery.objects.filter(
            pregnancy__mother__in=existing_mothers.values()
        ).values("pregnancy__mother", "delivered_at"):
            key = key_by_pk[delivery["pregnancy__mother"]]
            if key not in deliveries or delivery["delivered_at"] > deliveries[key]:
                deliveries[key] = delivery["delivered_at"]
        for measurement in Measurement.objects.filter(
            mother__in=existing_mothers.values(),
            kind=MeasurementKind.MILK_VOLUME,
            phase__in=PHASES_MILK,
        ).values("mother", "phase"):
            phases.add((key_by_pk[measurement["mother"]], measurement["phase"]))
        return deliveries, phases


def validate_new_slug(slug: str) -> None:
    """Raise DomainError(INVALID_SLUG) unless `slug` can name a new programme."""
    try:
        validate_slug(slug)
    except ValidationError as error:
        raise DomainError(
            InteropErrorCode.INVALID_SLUG,
            _(
                "The programme code may contain only letters, digits, hyphens and underscores, "
                "e.g. pandes-2018."
            ),
            field="slug",
        ) from error
    if len(slug) > SLUG_MAX_LENGTH:
        raise DomainError(
            InteropErrorCode.INVALID_SLUG,
            _("The programme code is longer than %(max)s characters.") % {"max": SLUG_MAX_LENGTH},
            field="slug",
        )


DAY_RANGE = re.compile(r"^\s*(\d{1,2})\s*(?:[-–—]|to|s/?d|sampai)?\s*(\d{1,2})?\s*$")


def _day_range(raw: Any) -> tuple[int, int]:
    """ "1-2", "1–2" or "3" as (first, last) postpartum days within 1 to 42."""
    text = cells.as_text(raw)
    found = DAY_RANGE.match(text)
    first, last = (int(found[1]), int(found[2] or found[1])) if found else (0, 0)
    if not 1 <= first <= last <= MAX_POSTPARTUM_DAY:
        raise cells.CellInvalid(
            InteropErrorCode.INVALID_DAY_RANGE,
            _(
                "“%(value)s” is not a range of postpartum days: write the first and the last "
                "day, e.g. 1-2, within days 1 to %(max)s."
            )
            % {"value": text, "max": MAX_POSTPARTUM_DAY},
        )
    return (first, last)


def _protocol_of(default: ProtocolDays, plan: ProgrammePlan) -> ProtocolDays:
    """The measurement days a new programme will have: the sheet's, else the defaults."""
    changes: dict[str, Any] = {}
    if plan.baseline_days:
        changes["baseline_from"], changes["baseline_to"] = plan.baseline_days
    if plan.follow_up_days:
        changes["follow_up_from"], changes["follow_up_to"] = plan.follow_up_days
    if plan.follow_up_after_baseline is not None:
        changes["follow_up_after_baseline"] = plan.follow_up_after_baseline
    return dataclasses.replace(default, **changes)


_any_volume = cells.decimal(Decimal("-Infinity"), Decimal("Infinity"), VOLUME_DECIMALS)


def _milk_volume(raw) -> Decimal:
    """A volume cell, judged by the care rule the web form and the phone answer to (the same
    code and message: measurement_out_of_range)."""
    number = _any_volume(raw)
    try:
        measurement_value_check(MeasurementKind.MILK_VOLUME, number)
    except DomainError as error:
        raise cells.CellInvalid(error.code, str(error.message)) from None
    return number


@dataclass(frozen=True, slots=True)
class _PlannedVolume:
    """What the order of a mother's two volumes is checked with."""

    row: int
    measured_at: dt.datetime | None
    measured_on_given: bool


def _parsed(parse: Callable[[Any], Any], raw: Any) -> Any:
    """A cell's value as `parse` reads it, None when empty or broken (the row's check says why)."""
    if raw is None:
        return None
    try:
        return parse(raw)
    except cells.CellInvalid:
        return None
