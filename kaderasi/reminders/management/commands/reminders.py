"""kaderasi reminders [--now ISO8601] [--dry-run]: one planning-and-dispatch sweep, now."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from kaderasi.core import clock
from kaderasi.reminders.services import reminder_sweep


def parse_now(value: str) -> dt.datetime:
    """An ISO 8601 time; without an offset it is read in TIME_ZONE (WIB by default). An empty
    value is an error, not the current time: `--now "$WHEN"` with WHEN unset must not send."""
    if not value.strip():
        raise CommandError(
            _(
                "--now was given without a time. Give an ISO 8601 time such as "
                "2026-11-29T06:30+07:00, or leave --now out to sweep at the current time."
            )
        )
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            _("--now must be an ISO 8601 time such as 2026-11-29T06:30+07:00, not %(value)r.")
            % {"value": value}
        ) from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = _(
        "Plan and send due reminders once (what the worker does every minute) and print what "
        "was planned, sent, delayed, skipped and failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", help=_("the time to sweep at (ISO 8601; default: now)"))
        parser.add_argument(
            "--dry-run", action="store_true", help=_("show what would happen; send nothing")
        )

    def handle(self, *args, now: str | None, dry_run: bool, **options):
        moment = clock.now() if now is None else parse_now(now)
        outcome = reminder_sweep(now=moment, dry_run=dry_run)
        counts = outcome.counts()
        local = timezone.localtime(moment)
        heading = (
            _("Reminder sweep at %(now)s (dry run: nothing sent, nothing saved)")
            if dry_run
            else _("Reminder sweep at %(now)s")
        )
        self.stdout.write(heading % {"now": local.strftime("%Y-%m-%d %H:%M %Z")})
        labels = {
            "planned": _("planned"),
            "sent": _("sent"),
            "delayed": _("delayed"),
            "skipped": _("skipped"),
            "failed": _("failed"),
            "cancelled": _("cancelled"),
        }
        self.stdout.write("  ".join(f"{labels[name]}: {counts[name]}" for name in labels))
        rows = [
            (_("planned"), outcome.plan.created),
            (_("skipped"), outcome.plan.skipped_stale),
            (_("sent"), outcome.dispatch.sent),
            (_("sent"), [r for r in outcome.dispatch.recovered if r.status == "sent"]),
            (_("delayed"), outcome.dispatch.delayed),
            (_("skipped"), outcome.dispatch.skipped),
            (_("failed"), outcome.dispatch.failed),
            (_("cancelled"), outcome.dispatch.cancelled),
        ]
        for label, reminders in rows:
            for reminder in reminders:
                self.stdout.write(f"  {label:<10} {_describe(reminder)}")


def _describe(reminder) -> str:
    """A line naming the reminder by its UUID, kind and recipient role (never a name or number),
    with the reason it is held, skipped, failed or cancelled."""
    due = timezone.localtime(reminder.due_at).strftime("%Y-%m-%d %H:%M")
    extra = f" ({reminder.get_status_reason_display()})" if reminder.status_reason else ""
    if reminder.status == "delayed" and reminder.next_attempt_at:
        extra += " " + _("until %(time)s") % {
            "time": timezone.localtime(reminder.next_attempt_at).strftime("%Y-%m-%d %H:%M")
        }
    kind, role = reminder.get_kind_display(), reminder.get_recipient_role_display()
    return f"{reminder.public_id} {due} {kind} → {role}{extra}"
