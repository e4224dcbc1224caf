"""kaderasi export-fhir SLUG --output PATH [--pseudonymised]"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.care.read_audit import console_reads_record
from kaderasi.core import clock
from kaderasi.interop.fhir.bundle import programme_bundle
from kaderasi.interop.fhir.selectors import programme_fhir_rows
from kaderasi.programmes.models import Programme

UNKNOWN_PROGRAMME_STATUS = 2


class Command(BaseCommand):
    help = "Write a programme as a FHIR R4 Bundle (type collection) in JSON; see docs/fhir.md."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the programme's slug")
        parser.add_argument("--output", required=True, help="the .json file to write")
        parser.add_argument(
            "--pseudonymised",
            action="store_true",
            help="codes only: no names, NIK, phone numbers, birth dates or home addresses",
        )

    def handle(self, *args, slug, output, pseudonymised, **options):
        programme = Programme.objects.filter(slug=slug).first()
        if programme is None:
            raise CommandError(
                _("There is no programme with the slug “%(slug)s”.") % {"slug": slug},
                returncode=UNKNOWN_PROGRAMME_STATUS,
            )
        # The console is an administrator's tool: it exports every cadre and mother.
        rows = programme_fhir_rows(
            programme,
            mothers=Mother.objects.all(),
            cadres=Cadre.objects.all(),
            staff=User.objects.all(),
        )
        bundle = programme_bundle(rows, pseudonymised=pseudonymised, now=clock.now())
        path = Path(output)
        path.write_text(json.dumps(bundle, ensure_ascii=False, indent=1), encoding="utf-8")
        if not pseudonymised:
            console_reads_record(mother_ids=programme.mothers.values_list("pk", flat=True))
        self.stdout.write(
            self.style.SUCCESS(
                _("Written to %(path)s: %(count)s FHIR resources.")
                % {"path": path, "count": len(bundle["entry"])}
            )
        )
