"""kaderasi restore: put a backup made by `kaderasi backup` back, replacing the database's
content (kaderasi/core/backups.py). Stop the web server and the worker first."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaderasi.core import backups


class Command(BaseCommand):
    help = _(
        "Restore a backup made by 'kaderasi backup', replacing everything in the database. "
        "Stop the web server and the worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=_("the backup file to restore"))
        parser.add_argument(
            "--yes",
            action="store_true",
            help=_("do not ask: replace the database's content"),
        )

    def handle(self, *args, path, yes, **options):
        if not yes:
            raise CommandError(
                _(
                    "Restoring replaces everything in the database with the backup. "
                    "Run again with --yes to do it."
                )
            )
        try:
            backups.backup_restore(path)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        tables = backups.database_fingerprint()
        self.stdout.write(
            _("Restored %(path)s: %(tables)d tables, %(rows)d rows.")
            % {
                "path": path,
                "tables": len(tables),
                "rows": sum(table.rows for table in tables.values()),
            }
        )
