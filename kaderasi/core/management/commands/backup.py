"""kaderasi backup: a copy of the whole database, taken while kaderasi runs
(kaderasi/core/backups.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaderasi.core import backups, clock


class Command(BaseCommand):
    help = _(
        "Back up the database while kaderasi runs (SQLite: online backup; PostgreSQL: pg_dump). "
        "Default file: $KADERASI_DATA_DIR/backups/kaderasi-<date>-<time>."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help=_("the backup file to write"))

    def handle(self, *args, path, **options):
        target = path or backups.default_backup_path(clock.now())
        try:
            written = backups.backup_write(target)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        tables = backups.database_fingerprint()
        self.stdout.write(
            _("Backup written to %(path)s: %(tables)d tables, %(rows)d rows.")
            % {
                "path": written,
                "tables": len(tables),
                "rows": sum(table.rows for table in tables.values()),
            }
        )
