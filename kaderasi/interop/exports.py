"""A programme written out in exactly the import format (workbook or CSV files).

Importing the export into a new programme gives the same evaluation: the milk volumes and test
scores written are the ones the evaluation counts (`evaluation.selectors`), with the dates and
postpartum days that place them on the same days.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from django.db.models import QuerySet
from django.utils import timezone

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Delivery, Mother, Pairing
from kaderasi.care.phase_volumes import PhaseVolumes
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
    volumes: Mapping[int, PhaseVolumes] | None = None,
) -> Rows:
    """Every sheet of the import format as rows of values (header first), over the given cadres
    and mothers of `programme` (the reader's scope). Pseudonymised: names are replaced by codes,
    and phone numbers are left out. `volumes`: the phase volumes of those mothers when the caller
    already holds them (`care.selectors.phase_volumes_of`, by her id)."""
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
        # The cadre who accompanied her last, unless that cadre is outside the export.
        cadre = mother.cadre_code if mother.cadre_id in exported_cadres else ""
        sheets[MOTHERS].append(
            [
                mother.code,
                mother.code if pseudonymised else mother.name,
                cadre,
                mother.group,
                timezone.localdate(mother.delivered_at) if mother.delivered_at else None,
                mother.delivery_type,
                mother.parity,
                mother.posyandu,
                mother.village,
            ]
        )
    for row in mother_volumes(programme, mothers, volumes=volumes):
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


@dataclass(frozen=True)
class _ExportedMother:
    code: str
    name: str
    group: str
    posyandu: str
    village: str
    cadre_id: int | None
    cadre_code: str
    delivered_at: dt.datetime | None
    delivery_type: str
    parity: int | None


def _mothers(programme: Programme, mothers: QuerySet[Mother]) -> Iterable[_ExportedMother]:
    """The mothers of `programme` in `mothers` by code, each with her latest delivery and the
    cadre of her latest pairing: three queries of plain values (a district exports thousands)."""
    chosen = mothers.filter(programme=programme)
    deliveries: dict[int, tuple] = {}
    for mother_id, *delivery in (
        Delivery.objects.filter(pregnancy__mother__in=chosen.values("pk"))
        .order_by("delivered_at")
        .values_list("pregnancy__mother_id", "delivered_at", "delivery_type", "parity")
    ):
        deliveries[mother_id] = tuple(delivery)  # the latest one stays
    cadres: dict[int, tuple[int, str]] = {}
    for mother_id, cadre_id, cadre_code in (
        Pairing.objects.filter(mother__in=chosen.values("pk"))
        .order_by("-starts_at")
        .values_list("mother_id", "cadre_id", "cadre__code")
    ):
        cadres.setdefault(mother_id, (cadre_id, cadre_code))
    rows = chosen.order_by("code").values_list(
        "pk", "code", "name", "group", "posyandu__name", "posyandu__parent__name"
    )
    for pk, code, name, group, posyandu, village in rows:
        delivered_at, delivery_type, parity = deliveries.get(pk, (None, "", None))
        cadre_id, cadre_code = cadres.get(pk, (None, ""))
        yield _ExportedMother(
            code=code,
            name=name,
            group=group,
            posyandu=posyandu,
            village=village or "",
            cadre_id=cadre_id,
            cadre_code=cadre_code,
            delivered_at=delivered_at,
            delivery_type=delivery_type,
            parity=parity,
        )


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
