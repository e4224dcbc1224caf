"""kaderasi import-fhir PATH --programme SLUG [--as USERNAME]"""

from pathlib import Path

from auditlog.context import set_actor
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.interop.fhir.imports import fhir_import, fhir_issue_line, read_bundle
from kaderasi.interop.management.importer import importing_user
from kaderasi.interop.plan import ImportRejected
from kaderasi.programmes.models import Programme

FAILED = 1


class Command(BaseCommand):
    help = (
        "Import the Patients and milk-volume Observations of a FHIR Bundle (JSON) into an "
        "existing programme. All or nothing: on any problem nothing is saved and every problem "
        "is listed by entry. See docs/fhir.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a FHIR Bundle in JSON")
        parser.add_argument("--programme", required=True, dest="slug", help="programme slug")
        parser.add_argument(
            "--as",
            dest="username",
            default="",
            help="the coordinator or administrator importing (default: the only administrator)",
        )

    def handle(self, *args, path, slug, username, **options):
        user = importing_user(
            username,
            without_username=_(
                "Say who is importing with --as USERNAME (a coordinator or administrator)."
            ),
        )
        programme = Programme.objects.filter(slug=slug).select_related("area").first()
        if programme is None:
            raise CommandError(
                _("There is no programme with the slug “%(slug)s”.") % {"slug": slug},
                returncode=FAILED,
            )
        file = Path(path)
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("The file %(path)s cannot be read: %(error)s.")
                % {"path": path, "error": error.strerror},
                returncode=FAILED,
            ) from error
        try:
            bundle = read_bundle(content)
            with set_actor(user):
                record = fhir_import(
                    bundle=bundle,
                    programme=programme,
                    by=user,
                    now=clock.now(),
                    file_name=file.name,
                )
        except ImportRejected as rejected:
            for issue in rejected.issues:
                self.stderr.write(fhir_issue_line(issue))
            raise CommandError(str(rejected.message), returncode=FAILED) from rejected
        except DomainError as error:
            raise CommandError(str(error.message), returncode=FAILED) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Imported %(file)s into %(programme)s: %(mothers)s mothers, "
                    "%(volumes)s milk volumes."
                )
                % {
                    "file": record.file_name,
                    "programme": programme.slug,
                    "mothers": record.mothers,
                    "volumes": record.milk_volumes,
                }
            )
        )
