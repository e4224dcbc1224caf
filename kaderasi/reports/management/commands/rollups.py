"""kaderasi rollups rebuild | refresh: the summary tables the dashboards read.

`rebuild` recomputes every rollup from the raw tables (after a restore, an import, or a change
of how rollups are computed); `refresh` brings them up to date with what changed since the last
run (what the periodic task does; schedule it every few minutes if no worker runs it)."""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kaderasi.core import clock
from kaderasi.reports.progress import TerminalProgress
from kaderasi.reports.rollups import rollups_rebuild, rollups_refresh_due


class Command(BaseCommand):
    help = "Rebuild or refresh the summary tables (rollups) the dashboards read."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "refresh"])

    def handle(self, *args, action: str, **options):
        if action == "rebuild":
            bar = TerminalProgress(self.stderr, label=_("Rebuilding rollups"))
            summary = rollups_rebuild(now=clock.now(), progress=bar.update_count)
            bar.finish()
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Rollups rebuilt: %(mothers)s mothers, %(cadres)s cadres, %(days)s "
                        "posyandu-days, %(trainings)s training rows."
                    )
                    % {
                        "mothers": summary.mothers,
                        "cadres": summary.cadres,
                        "days": summary.day_rows,
                        "trainings": summary.knowledge_rows,
                    }
                )
            )
            return
        summary = rollups_refresh_due(now=clock.now())
        if summary.skipped:
            self.stdout.write(_("Another refresh is running; nothing done."))
            sys.exit(0)
        self.stdout.write(
            self.style.SUCCESS(
                _("Rollups refreshed: %(mothers)s mothers and %(cadres)s cadres recomputed.")
                % {"mothers": summary.mothers, "cadres": summary.cadres}
            )
        )
