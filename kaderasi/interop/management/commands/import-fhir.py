"""kaderasi import-fhir PATH --programme SLUG [--as USERNAME]"""

from pathlib import Path

from auditlog.context import set_actor
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaderasi.accounts.models import Role, User
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can
from kaderasi.interop.fhir.imports import fhir_import, fhir_issue_line, read_bundle
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
        user = self._importer(username)
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

    def _importer(self, username: str) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(
                    _("There is no active user “%(username)s”.") % {"username": username},
                    returncode=FAILED,
                )
            if not can(user, Permission.IMPORT_PROGRAMME):
                raise CommandError(
                    _("%(username)s is not a coordinator or administrator and may not import.")
                    % {"username": username},
                    returncode=FAILED,
                )
            return user
        admins = list(User.objects.filter(role=Role.ADMIN, is_active=True)[:2])
        if len(admins) != 1:
            raise CommandError(
                _("Say who is importing with --as USERNAME (a coordinator or administrator)."),
                returncode=FAILED,
            )
        return admins[0]
