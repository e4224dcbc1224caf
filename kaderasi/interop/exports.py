"""A programme written out in exactly the import format (workbook or CSV files).

Importing the export into a new programme gives the same evaluation: the milk volumes and test
scores written are the ones the evaluation counts (`evaluation.selectors`), with the dates and
postpartum days that place them on the same days.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import xlsxwriter
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Delivery, Mother, Pairing, Pregnancy
from kaderasi.core.phones import display_phone
from kaderasi.core.spreadsheets import xlsx_workbook
from kaderasi.evaluation.selectors import knowledge_scores, mother_volumes
from kaderasi.interop.areas import area_path
from kaderasi.interop.workbook import (
    CADRES,
    DATA_SHEETS,
    KNOWLEDGE_TESTS,
    MILK_VOLUMES,
    MOTHERS,
    PROGRAMME,
    PROGRAMME_COLUMNS,
    SHEETS,
    csv_text_escape,
)
from kaderasi.programmes.models import Programme

Rows = dict[str, list[list[Any]]]


def programme_rows(
    programme: Programme,
    *,
    cadres: QuerySet[Cadre],
    mothers: QuerySet[Mother],
    pseudonymised: bool = False,
) -> Rows:
    """Every sheet of the import format as rows of values (header first), over the given cadres
    and mothers of `programme` (the reader's scope). Pseudonymised: names are replaced by codes,
    and phone numbers are left out."""
    cadre_rows = cadres.filter(programme=programme).select_related("posyandu__parent")
    sheets: Rows = {
        PROGRAMME: [list(PROGRAMME_COLUMNS), *_programme_fields(programme)],
        CADRES: [list(SHEETS[CADRES].column_names)],
        KNOWLEDGE_TESTS: [list(SHEETS[KNOWLEDGE_TESTS].column_names)],
        MOTHERS: [list(SHEETS[MOTHERS].column_names)],
        MILK_VOLUMES: [list(SHEETS[MILK_VOLUMES].column_names)],
    }
    exported_cadres = set()
    for cadre in cadre_rows.order_by("code"):
        exported_cadres.add(cadre.pk)
        sheets[CADRES].append(
            [
                cadre.code,
                cadre.code if pseudonymised else cadre.name,
                "" if pseudonymised else display_phone(cadre.phone),
                cadre.posyandu.name,
                cadre.posyandu.parent.name if cadre.posyandu.parent else "",
            ]
        )
    for scores in knowledge_scores(programme, cadres):
        for phase, score, taken_on in (
            ("pre", scores.pre, scores.pre_taken_on),
            ("post", scores.post, scores.post_taken_on),
        ):
            if score is not None:
                sheets[KNOWLEDGE_TESTS].append([scores.code, phase, score, taken_on])
    for mother in _mothers(programme, mothers):
        delivery = mother.export_delivery
        # The cadre who accompanied her last, unless that cadre is outside the export.
        pairing = mother.export_pairings[0] if mother.export_pairings else None
        if pairing is not None and pairing.cadre_id not in exported_cadres:
            pairing = None
        sheets[MOTHERS].append(
            [
                mother.code,
                mother.code if pseudonymised else mother.name,
                pairing.cadre.code if pairing else "",
                mother.group,
                timezone.localdate(delivery.delivered_at) if delivery else None,
                delivery.delivery_type if delivery else "",
                delivery.parity if delivery else None,
                mother.posyandu.name,
                mother.posyandu.parent.name if mother.posyandu.parent else "",
            ]
        )
    for row in mother_volumes(programme, mothers):
        for phase, volume in (("before", row.before), ("after", row.after)):
            if volume is None:
                continue
            sheets[MILK_VOLUMES].append(
                [
                    row.code,
                    phase,
                    volume.volume_ml,
                    timezone.localdate(volume.measured_at),
                    volume.postpartum_day,
                    volume.method,
                    volume.basis,
                ]
            )
    return sheets


def _programme_fields(programme: Programme) -> list[list[Any]]:
    return [
        ["name", programme.name],
        ["description", programme.description],
        ["area", area_path(programme.area)],
        ["starts_on", programme.starts_on],
        ["ends_on", programme.ends_on],
        ["design", programme.design],
        ["is_illustrative", "yes" if programme.is_illustrative else "no"],
        ["data_note", programme.data_note],
        ["baseline_days", f"{programme.baseline_day_from}-{programme.baseline_day_to}"],
        ["follow_up_days", f"{programme.follow_up_day_from}-{programme.follow_up_day_to}"],
        ["follow_up_after_baseline", "yes" if programme.follow_up_after_baseline else "no"],
        [
            "analyse_protocol_conformant_only",
            "yes" if programme.analyse_protocol_conformant_only else "no",
        ],
    ]


def _mothers(programme: Programme, mothers: QuerySet[Mother]) -> Iterable[Mother]:
    rows = (
        mothers.filter(programme=programme)
        .order_by("code")
        .select_related("posyandu__parent")
        .prefetch_related(
            Prefetch(
                "pregnancies",
                queryset=Pregnancy.objects.select_related("delivery"),
                to_attr="export_pregnancies",
            ),
            Prefetch(
                "pairings",
                queryset=Pairing.objects.select_related("cadre").order_by("-starts_at"),
                to_attr="export_pairings",
            ),
        )
    )
    for mother in rows:
        deliveries = []
        for pregnancy in mother.export_pregnancies:
            try:
                deliveries.append(pregnancy.delivery)
            except Delivery.DoesNotExist:
                continue
        deliveries.sort(key=lambda delivery: delivery.delivered_at)
        mother.export_delivery = deliveries[-1] if deliveries else None
        yield mother


def write_programme_sheets(workbook: xlsxwriter.Workbook, sheets: Rows) -> None:
    """Add the import-format sheets to `workbook` (so a report can add sheets of its own)."""
    header = workbook.add_format({"bold": True, "bg_color": "#CCFBF1", "border": 1})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name in (PROGRAMME, *DATA_SHEETS):
        rows = sheets[name]
        sheet = workbook.add_worksheet(name)
        sheet.freeze_panes(1, 0)
        for column, heading in enumerate(rows[0]):
            sheet.write_string(0, column, heading, header)
            sheet.set_column(column, column, 44 if name == PROGRAMME and column else 16)
        for number, row in enumerate(rows[1:], start=1):
            for column, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(
                        number, column, dt.datetime.combine(value, dt.time()), date
                    )
                elif isinstance(value, int | float):
                    sheet.write_number(number, column, value)
                else:
                    # Codes such as 0012 must stay text, not become the number 12.
                    sheet.write_string(number, column, str(value))


def programme_workbook(
    programme: Programme,
    *,
    cadres: QuerySet[Cadre],
    mothers: QuerySet[Mother],
    pseudonymised: bool = False,
) -> bytes:
    """The programme as an .xlsx workbook in the import format."""
    buffer = io.BytesIO()
    workbook = xlsx_workbook(buffer)
    write_programme_sheets(
        workbook,
        programme_rows(programme, cadres=cadres, mothers=mothers, pseudonymised=pseudonymised),
    )
    workbook.close()
    return buffer.getvalue()


def programme_csv_files(
    programme: Programme,
    *,
    cadres: QuerySet[Cadre],
    mothers: QuerySet[Mother],
    pseudonymised: bool = False,
) -> dict[str, bytes]:
    """The programme as CSV files (UTF-8 with a byte-order mark, which Excel recognises), keyed
    by file name."""
    sheets = programme_rows(programme, cadres=cadres, mothers=mothers, pseudonymised=pseudonymised)
    files = {}
    for name in (PROGRAMME, *DATA_SHEETS):
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        for row in sheets[name]:
            writer.writerow(["" if value is None else _csv_value(value) for value in row])
        files[f"{name}.csv"] = text.getvalue().encode("utf-8-sig")
    return files


def write_csv_folder(folder: Path, files: dict[str, bytes]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in files.items():
        path = folder / name
        path.write_bytes(content)
        paths.append(path)
    return paths


def _csv_value(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    # Text a spreadsheet would run as a formula gets a leading apostrophe (read back without).
    return csv_text_escape(str(value))
