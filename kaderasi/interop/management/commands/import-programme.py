"""kaderasi import-programme PATH --programme SLUG [--name NAME] [--area AREA] [--as USERNAME]"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import set_actor
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.interop.areas import area_from_reference
from kaderasi.interop.issues import issue_line, warning_lines
from kaderasi.interop.management.importer import importing_user
from kaderasi.interop.models import ImportSource
from kaderasi.interop.plan import ImportRejected
from kaderasi.interop.progress import ProgressBar
from kaderasi.interop.services import programme_import
from kaderasi.interop.workbook import read_path

FAILED = 1
# The care app logs each schedule it plans; an import plans one per mother still inside her
# protocol, so the command counts those lines and logs them once, after the progress bar.
SCHEDULE_LOGGER = "kaderasi.care.services.schedule"

logger = logging.getLogger(__name__)


class _Counted(logging.Filter):
    """Counts (and holds back) the records up to INFO of the logger it is added to."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        self.count += 1
        return False


@contextmanager
def _schedule_lines_counted() -> Iterator[_Counted]:
    counted = _Counted()
    schedule_logger = logging.getLogger(SCHEDULE_LOGGER)
    schedule_logger.addFilter(counted)
    try:
        yield counted
    finally:
        schedule_logger.removeFilter(counted)


class Command(BaseCommand):
    help = (
        "Import a programme from an .xlsx workbook or a folder of CSV files (sheets cadres, "
        "knowledge_tests, mothers, milk_volumes). All or nothing: on any problem nothing is "
        "saved and every problem is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="an .xlsx file, or a folder of <sheet>.csv files")
        parser.add_argument("--programme", required=True, dest="slug", help="programme slug")
        parser.add_argument("--name", default="", help="name of a new programme")
        parser.add_argument(
            "--area",
            default="",
            help="area of a new programme: official code or names from the province down, "
            "separated by '/' (default: the area field of the programme sheet)",
        )
        parser.add_argument(
            "--as",
            dest="username",
            default="",
            help="the coordinator or administrator importing (default: the only administrator)",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the messages (default: the active language)",
        )

    def handle(self, *args, language, **options):
        with translation.override(language or translation.get_language()):
            self._import(**options)

    def _import(self, *, path, slug, name, area, username, **options):
        user = importing_user(
            username,
            without_username=_(
                "Say who is importing with --as USERNAME (a coordinator or administrator); "
                "the import records who paired the cadres and mothers."
            ),
        )
        area_object = None
        if area:
            area_object = area_from_reference(area)
            if area_object is None:
                raise CommandError(
                    _("There is no area “%(area)s”.") % {"area": area}, returncode=FAILED
                )
        try:
            with (
                read_path(path) as workbook,
                set_actor(user),
                _schedule_lines_counted() as schedules,
            ):
                record = programme_import(
                    workbook=workbook,
                    slug=slug,
                    by=user,
                    now=clock.now(),
                    name=name,
                    area=area_object,
                    source=ImportSource.CONSOLE,
                    progress=ProgressBar(
                        self._write_progress,
                        label=_("Importing"),
                        interactive=self.stderr.isatty(),
                    ),
                )
        except ImportRejected as rejected:
            for issue in rejected.issues:
                self.stderr.write(issue_line(issue))
            raise CommandError(str(rejected.message), returncode=FAILED) from rejected
        except DomainError as error:
            raise CommandError(str(error.message), returncode=FAILED) from error
        if schedules.count:
            logger.info(
                "import %s: massage sessions planned for %d mothers",
                record.public_id,
                schedules.count,
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported %(file)s into %(programme)s: %(cadres)s cadres, %(tests)s knowledge "
                    "test scores, %(mothers)s mothers, %(volumes)s milk volumes."
                )
                % {
                    "file": record.file_name,
                    "programme": record.programme.slug,
                    "cadres": record.cadres,
                    "tests": record.knowledge_tests,
                    "mothers": record.mothers,
                    "volumes": record.milk_volumes,
                }
            )
        )

        warnings = warning_lines(record)
        if warnings:
            self.stdout.write(
                ngettext(
                    "%(n)s row was imported with a warning:",
                    "%(n)s rows were imported with a warning:",
                    len(warnings),
                )
                % {"n": len(warnings)}
            )
            for line in warnings:
                self.stdout.write(self.style.WARNING(line))

    def _write_progress(self, text: str) -> None:
        self.stderr.write(text, style_func=str, ending="")
        self.stderr.flush()
