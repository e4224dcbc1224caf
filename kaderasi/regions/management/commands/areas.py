"""kaderasi areas load [--province CODE | --within CODE]: Kemendagri's official area tree."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaderasi.core.errors import DomainError
from kaderasi.regions.official import data_version
from kaderasi.regions.services import official_areas_load


class Command(BaseCommand):
    help = (
        "Load the official area tree (province, regency/city, district, village with their "
        "Kemendagri codes) from the vendored idn-area-data; see docs/areas.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load"])
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--province", help="a province's code, e.g. 33 (Jawa Tengah)")
        which.add_argument(
            "--within",
            help="any code: a regency (33.10), a district (33.10.03) or a village and its parents",
        )

    def handle(self, *args, action, province, within, **options):
        if province is not None and "." in province.strip():
            raise CommandError(
                _("--province takes a province's two-digit code (for example 33), not %(code)s.")
                % {"code": province}
            )
        started = time.perf_counter()
        try:
            result = official_areas_load(within=province or within)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Official areas from %(data)s: %(created)s created, %(adopted)s given their "
                    "code, %(unchanged)s already there (%(seconds).1f s)."
                )
                % {
                    "data": data_version(),
                    "created": result.created,
                    "adopted": result.adopted,
                    "unchanged": result.unchanged,
                    "seconds": time.perf_counter() - started,
                }
            )
        )
