"""Turning a reminder into the text its recipient reads, in her language and time zone.

Rule messages are data typed by coordinators, so placeholders are substituted by name only:
no attribute access, no format specifications, an unknown name is left as it is."""

import datetime as dt
import string
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import formats, translation
from django.utils.translation import gettext as _

from kaderasi.reminders.models import (
    DANGER_KINDS,
    USER_ROLES,
    RecipientRole,
    Reminder,
    ReminderKind,
)

PLACEHOLDERS = frozenset(
    {
        "recipient",
        "mother",
        "cadre",
        "posyandu",
        "date",
        "start",
        "end",
        "zone",
        "day",
        "slot",
        "week",
        "minutes",
        "expires",
        "tasks",
        # Danger-sign alerts and escalations (danger_alerts.danger_sign_values).
        "mother_code",
        "severity",
        "signs",
        "note",
        "cadre_phone",
        "call",
        "midwives",
        "waited",
    }
)


def template_placeholders(text: str) -> set[str]:
    """The placeholder names in `text`; ValueError for anything but {name} (e.g. {a.b}, {a:>3},
    an unclosed brace)."""
    names = set()
    for _literal, field, spec, conversion in string.Formatter().parse(text):
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValueError(field)
        names.add(field)
    return names


def render_template(text: str, values: dict[str, str]) -> str:
    """Substitute {name} placeholders from `values`; anything else stays literally."""
    parts = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return text
    for literal, field, spec, conversion in parsed:
        parts.append(literal)
        if field is None:
            continue
        if field in values and not spec and not conversion:
            parts.append(str(values[field]))
        else:
            parts.append("{" + field + (f"!{conversion}" if conversion else "") + "}")
    return "".join(parts)


def format_time(at: dt.datetime, zone: ZoneInfo, language: str) -> str:
    """07.00 in Indonesian, 07:00 in English (local time of `zone`)."""
    local = at.astimezone(zone)
    return local.strftime("%H.%M" if language == "id" else "%H:%M")


def format_date(day: dt.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "l, j F Y")


@dataclass(frozen=True)
class RenderedMessage:
    text: str
    subject: str
    whatsapp_parameters: tuple[str, ...]


def digest_lines(tasks: list[dict], *, names: dict[int, str], zone: ZoneInfo, language: str):
    """One line per task of a morning digest."""
    from kaderasi.reminders.timezones import zone_abbreviation

    lines = []
    with translation.override(language):
        for task in tasks:
            mother = names.get(task["mother_id"], "?")
            start = (
                format_time(dt.datetime.fromisoformat(task["starts_at"]), zone, language)
                if task.get("starts_at")
                else ""
            )
            values = {"mother": mother, "start": start, "zone": zone_abbreviation(zone)}
            kind = task["kind"]
            if kind == ReminderKind.SESSION_DUE:
                values["end"] = format_time(
                    dt.datetime.fromisoformat(task["ends_at"]), zone, language
                )
                values.update(day=task["day"], slot=task["slot"])
                line = _(
                    "• %(start)s–%(end)s %(zone)s: oxytocin massage for %(mother)s "
                    "(day %(day)s, session %(slot)s)"
                )
            elif kind == ReminderKind.BASELINE_MEASUREMENT:
                line = _("• before %(start)s %(zone)s: baseline milk volume of %(mother)s")
            elif kind == ReminderKind.FOLLOW_UP_MEASUREMENT:
                line = _("• from %(start)s %(zone)s: follow-up milk volume of %(mother)s")
            else:
                values["week"] = task.get("week", "")
                line = _("• antenatal education for %(mother)s (%(week)s weeks pregnant)")
            lines.append(line % values)
    return lines


def recipient_name(reminder: Reminder) -> str:
    role = reminder.recipient_role
    if role == RecipientRole.FAMILY:
        return reminder.family_member.name
    if role == RecipientRole.CADRE:
        return reminder.cadre.name
    if role in USER_ROLES:
        return reminder.user.get_full_name() or reminder.user.username
    return reminder.mother.name


def render_reminder(reminder: Reminder, *, zone: ZoneInfo, cadre_name: str = "") -> RenderedMessage:
    """The text of `reminder` in its language. `cadre_name` names the mother's cadre for
    messages to others (the midwife's escalation names the cadre)."""
    from kaderasi.care.models import Mother
    from kaderasi.reminders.timezones import zone_abbreviation

    language = reminder.language
    context = reminder.context or {}
    programme = reminder.programme
    values: dict[str, str] = {
        "recipient": recipient_name(reminder),
        "mother": reminder.mother.name if reminder.mother_id else "",
        "cadre": reminder.cadre.name if reminder.cadre_id else cadre_name,
        "zone": zone_abbreviation(zone),
        "minutes": f"{programme.session_minutes_min}–{programme.session_minutes_max}",
        "day": str(context.get("day", "")),
        "slot": str(context.get("slot", "")),
        "week": str(context.get("week", "")),
        "start": "",
        "end": "",
        "expires": "",
        "tasks": "",
    }
    area = reminder.mother.posyandu if reminder.mother_id else None
    if area is None and reminder.cadre_id:
        area = reminder.cadre.posyandu
    values["posyandu"] = area.name if area else ""
    if context.get("starts_at"):
        values["start"] = format_time(
            dt.datetime.fromisoformat(context["starts_at"]), zone, language
        )
    if context.get("ends_at"):
        values["end"] = format_time(dt.datetime.fromisoformat(context["ends_at"]), zone, language)
    anchor_day = reminder.due_at.astimezone(zone).date()
    if reminder.kind == ReminderKind.BASELINE_MEASUREMENT and context.get("starts_at"):
        anchor_day = dt.datetime.fromisoformat(context["starts_at"]).astimezone(zone).date()
    if context.get("date"):
        anchor_day = dt.date.fromisoformat(context["date"])
    values["date"] = format_date(anchor_day, language)
    if context.get("expires_on"):
        values["expires"] = format_date(dt.date.fromisoformat(context["expires_on"]), language)
    if reminder.kind == ReminderKind.MORNING_DIGEST:
        tasks = context.get("tasks", [])
        names = dict(
            Mother.objects.filter(pk__in={t["mother_id"] for t in tasks}).values_list("pk", "name")
        )
        values["tasks"] = "\n".join(digest_lines(tasks, names=names, zone=zone, language=language))
    if reminder.kind in DANGER_KINDS:
        from kaderasi.reminders.danger_alerts import danger_sign_values

        values.update(danger_sign_values(reminder))
    rule = reminder.rule
    text = render_template(rule.message(language), values).strip()
    parameter_names = [name.strip() for name in rule.whatsapp_parameters.split(",")]
    with translation.override(language):
        subject = f"kaderasi: {ReminderKind(reminder.kind).label}"
    return RenderedMessage(
        text=text,
        subject=subject,
        whatsapp_parameters=tuple(values.get(name, "") for name in parameter_names if name),
    )
