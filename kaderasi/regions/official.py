"""The official area tree of the Ministry of Home Affairs (Kemendagri): province, regency/city,
district and village with their codes ("33.10.03.2014"), read from the vendored data package
`idn-area-data` (kaderasi/regions/data, version and licence in its vendor.json; docs/areas.md).

Pure reading: no database. `regions.services.official_areas_load` writes what is read here."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kaderasi.regions.models import LEVEL_WORDS, AreaLevel

DATA = Path(__file__).resolve().parent / "data"
PACKAGE = "idn-area-data"

# The file of each level and the column naming the parent's code.
LEVEL_FILES = (
    (AreaLevel.PROVINCE, "provinces.csv.gz", None),
    (AreaLevel.REGENCY, "regencies.csv.gz", "province_code"),
    (AreaLevel.DISTRICT, "districts.csv.gz", "regency_code"),
    (AreaLevel.VILLAGE, "villages.csv.gz", "district_code"),
)
# The digits of each part of a code: 33 . 10 . 03 . 2014
PART_DIGITS = (2, 2, 2, 4)
DOTTED = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


@dataclass(frozen=True)
class OfficialArea:
    code: str
    parent_code: str | None
    name: str
    level: str


def data_version() -> str:
    """The vendored package and its version, e.g. "idn-area-data 4.0.1"."""
    manifest = json.loads((DATA / "vendor.json").read_text(encoding="utf-8"))
    return f"{PACKAGE} {manifest[PACKAGE]['version']}"


def official_code(text: str | None) -> str | None:
    """`text` as a dotted Kemendagri code ("3310032014" and "33.10.03.2014" both give
    "33.10.03.2014"), or None when it is not shaped like one."""
    value = (text or "").strip()
    if DOTTED.match(value):
        return value
    if not value.isdigit():
        return None
    parts, start = [], 0
    for digits in PART_DIGITS:
        if start == len(value):
            break
        parts.append(value[start : start + digits])
        start += digits
    if start != len(value) or len(parts[-1]) != PART_DIGITS[len(parts) - 1]:
        return None
    return ".".join(parts)


def _related(code: str, within: str | None) -> bool:
    """Whether `code` is `within`, lies under it, or is one of its ancestors."""
    if within is None:
        return True
    return code == within or code.startswith(within + ".") or within.startswith(code + ".")


# Papua's provinces (91-96) call their districts "distrik".
DISTRIK_PROVINCES = ("91", "92", "93", "94", "95", "96")


def named_as_shown(code: str, name: str, level: str) -> str:
    """Kemendagri writes districts and villages bare ("Wedi", "Pandes"); kaderasi names them as
    people say them: "Kecamatan Wedi" ("Distrik …" in Papua), "Desa Pandes" for a village
    coded 2xxx and "Kelurahan …" for 1xxx (the fourth part of a village code tells which).
    A name that already starts with its level's word is kept."""
    if name.split(" ", 1)[0].casefold() in LEVEL_WORDS.get(level, ()):
        return name
    if level == AreaLevel.DISTRICT:
        return f"{'Distrik' if code[:2] in DISTRIK_PROVINCES else 'Kecamatan'} {name}"
    if level == AreaLevel.VILLAGE:
        return f"{'Kelurahan' if code.rsplit('.', 1)[-1].startswith('1') else 'Desa'} {name}"
    return name


@cache
def _level_rows(file_name: str, parent_column: str | None) -> tuple[tuple[str, str, str], ...]:
    with gzip.open(DATA / PACKAGE / file_name, "rb") as packed:
        reader = csv.DictReader(io.TextIOWrapper(packed, encoding="utf-8"))
        return tuple(
            (row["code"], row[parent_column] if parent_column else "", row["name"].strip())
            for row in reader
        )


def official_areas(*, within: str | None = None) -> Iterator[OfficialArea]:
    """The official areas in or under the dotted code `within` (all of Indonesia when None) and
    its ancestors, provinces first, then regencies, districts and villages."""
    for level, file_name, parent_column in LEVEL_FILES:
        for code, parent_code, name in _level_rows(file_name, parent_column):
            if _related(code, within):
                yield OfficialArea(
                    code, parent_code or None, named_as_shown(code, name, level), level
                )
