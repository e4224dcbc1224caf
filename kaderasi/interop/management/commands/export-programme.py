"""kaderasi export-programme SLUG --output PATH [--format xlsx|csv] [--pseudonymised]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.care.read_audit import console_reads_record
from kaderasi.interop.exports import programme_csv_files, programme_workbook, write_csv_folder
from kaderasi.programmes.models import Programme

UNKNOWN_PROGRAMME_STATUS = 2


class Command(BaseCommand):
    help = (
        "Write a programme in the import format: an .xlsx workbook, or a folder of CSV files. "
        "Importing it into a new programme gives the same evaluation."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the programme's slug")
        parser.add_argument(
            "--output", required=True, help="the .xlsx file, or the folder for CSV files"
        )
        parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", dest="fmt")
        parser.add_argument(
            "--pseudonymised",
            action="store_true",
            help="codes instead of names, and no phone numbers",
        )

    def handle(self, *args, slug, output, fmt, pseudonymised, **options):
        programme = Programme.objects.filter(slug=slug).select_related("area").first()
        if programme is None:
            raise CommandError(
                _("There is no programme with the slug “%(slug)s”.") % {"slug": slug},
                returncode=UNKNOWN_PROGRAMME_STATUS,
            )
        # The console is an administrator's tool: it exports every cadre and mother.
        scope = {"cadres": Cadre.objects.all(), "mothers": Mother.objects.all()}
        path = Path(output)
        if fmt == "csv":
            files = programme_csv_files(programme, pseudonymised=pseudonymised, **scope)
            write_csv_folder(path, files)
        else:
            path.write_bytes(programme_workbook(programme, pseudonymised=pseudonymised, **scope))
        if not pseudonymised:
            console_reads_record(mother_ids=programme.mothers.values_list("pk", flat=True))
        self.stdout.write(self.style.SUCCESS(_("Written to %(path)s.") % {"path": path}))
