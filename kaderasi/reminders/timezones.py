"""The recipient's time zone (WIB, WITA or WIT), from the province her area lies in."""

import re
from zoneinfo import ZoneInfo

from django.conf import settings

from kaderasi.regions.models import Area, AreaLevel
from kaderasi.reminders.models import ProvinceTimeZone

ZONE_ABBREVIATIONS = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


def zone_abbreviation(zone: ZoneInfo) -> str:
    """WIB, WITA or WIT (the key of the zone for a zone outside Indonesia)."""
    return ZONE_ABBREVIATIONS.get(zone.key, zone.key)


def normalise_province_name(name: str) -> str:
    """ "Provinsi D.I. Yogyakarta" and "di yogyakarta" compare equal."""
    text = re.sub(r"[.\s]+", " ", name.lower().replace(".", " ")).strip()
    return re.sub(r"^provinsi ", "", text)


class ZoneResolver:
    """Maps areas to time zones with two queries, whatever the number of areas asked about.

    An area's province is the first id of its path; the province is matched to the seeded table
    by Kemendagri code, else by name or alias. An unknown province falls back to TIME_ZONE."""

    def __init__(self) -> None:
        self.default = ZoneInfo(settings.TIME_ZONE)
        by_code: dict[str, str] = {}
        by_name: dict[str, str] = {}
        for row in ProvinceTimeZone.objects.all():
            by_code[row.code] = row.time_zone
            for name in row.names():
                by_name[normalise_province_name(name)] = row.time_zone
        self._zones: dict[int, ZoneInfo] = {}
        for province in Area.objects.filter(level=AreaLevel.PROVINCE).only("pk", "name", "code"):
            key = by_code.get(province.code.split(".")[0]) if province.code else None
            key = key or by_name.get(normalise_province_name(province.name))
            if key:
                self._zones[province.pk] = ZoneInfo(key)

    def zone_of(self, area: Area) -> ZoneInfo:
        parts = [part for part in area.path.strip("/").split("/") if part]
        if not parts:
            return self.default
        return self._zones.get(int(parts[0]), self.default)
