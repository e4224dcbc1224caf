"""Reads over reminders, scoped by role and area: the delivery log of a mother, the cadre's list
of messages to send by hand, and the reminders a user may see."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.care.models import Mother
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.core.field_crypto import lookup_hashes
from kaderasi.core.phones import PHONE, display_phone, whatsapp_link
from kaderasi.core.policies import Permission, can
from kaderasi.reminders.dispatch import cadre_name_for
from kaderasi.reminders.models import (
    OPEN_STATUSES,
    Channel,
    FamilyDelivery,
    FamilyMember,
    ProgrammeReminderSettings,
    RecipientPreference,
    RecipientRole,
    Reminder,
    ReminderStatus,
)
from kaderasi.reminders.planning import quiet_hours_end
from kaderasi.reminders.rendering import render_reminder
from kaderasi.reminders.timezones import ZoneResolver, zone_abbreviation

RELATED = (
    "programme",
    "rule",
    "mother__posyandu",
    "family_member",
    "cadre__posyandu",
    "user",
    "relay_cadre",
)


def reminders_visible_to(user: User) -> QuerySet[Reminder]:
    """Reminders about a mother she may see, to or about a cadre she may see, or to herself."""
    if not user.is_authenticated:
        return Reminder.objects.none()
    return Reminder.objects.filter(
        Q(mother__in=mothers_visible_to(user))
        | Q(mother__isnull=True, cadre__in=cadres_visible_to(user))
        | Q(user=user)
    )


def family_members_visible_to(user: User) -> QuerySet[FamilyMember]:
    return FamilyMember.objects.filter(mother__in=mothers_visible_to(user))


@dataclass(frozen=True)
class ReminderLine:
    reminder: Reminder
    recipient: str
    due_local: dt.datetime
    zone: str
    phone: str
    text: str
    link: str
    # When it left, in the same zone: a sent reminder shows this, not the planned time.
    sent_local: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.reminder.status in OPEN_STATUSES


def _zone_of(reminder: Reminder, resolver: ZoneResolver) -> ZoneInfo:
    if reminder.recipient_role == RecipientRole.CADRE and reminder.cadre_id:
        return resolver.zone_of(reminder.cadre.posyandu)
    if reminder.mother_id:
        return resolver.zone_of(reminder.mother.posyandu)
    return resolver.default


def _recipient_label(reminder: Reminder) -> str:
    role = reminder.recipient_role
    if role == RecipientRole.FAMILY:
        member = reminder.family_member
        return f"{member.name} ({member.get_relationship_display()})"
    if role == RecipientRole.CADRE:
        return f"{reminder.get_recipient_role_display()} {reminder.cadre.name}"
    if role == RecipientRole.MIDWIFE:
        name = reminder.user.get_full_name() or reminder.user.username
        return f"{reminder.get_recipient_role_display()} {name}"
    return f"{reminder.get_recipient_role_display()} {reminder.mother.name}"


def _phone_of(reminder: Reminder) -> str:
    role = reminder.recipient_role
    if role == RecipientRole.FAMILY:
        return reminder.family_member.phone
    if role == RecipientRole.CADRE:
        return reminder.cadre.phone
    if role == RecipientRole.MIDWIFE:
        return reminder.user.phone
    return reminder.mother.phone


def _line(reminder: Reminder, resolver: ZoneResolver, *, with_text: bool) -> ReminderLine:
    zone = _zone_of(reminder, resolver)
    text = reminder.body
    if with_text and not text:
        text = render_reminder(reminder, zone=zone, cadre_name=cadre_name_for(reminder)).text
    phone = _phone_of(reminder)
    return ReminderLine(
        reminder=reminder,
        recipient=_recipient_label(reminder),
        due_local=reminder.due_at.astimezone(zone),
        zone=zone_abbreviation(zone),
        phone=display_phone(phone),
        text=text,
        link=whatsapp_link(phone, text) if with_text else "",
        sent_local=reminder.sent_at.astimezone(zone) if reminder.sent_at else None,
    )


@dataclass(frozen=True)
class Contact:
    """A person of the mother's household who may receive reminders."""

    key: str
    label: str
    phone: str
    opted_out: bool
    family_member: FamilyMember | None = None


@dataclass(frozen=True)
class MotherReminderPanel:
    mother: Mother
    upcoming: list[ReminderLine]
    past: list[ReminderLine]
    contacts: list[Contact]
    can_manage: bool
    delivery: str


def mother_reminder_panel(user: User, mother: Mother, *, now: dt.datetime) -> MotherReminderPanel:
    """Every reminder about `mother` with its status (upcoming first, then the log, newest
    first), and the household's contacts with their opt-out. The caller has already checked
    that `user` may see `mother` (mothers_visible_to)."""
    resolver = ZoneResolver()
    reminders = list(
        reminders_visible_to(user)
        .filter(mother=mother)
        .select_related(*RELATED)
        .order_by("due_at", "pk")
    )
    lines = [_line(reminder, resolver, with_text=False) for reminder in reminders]
    upcoming = [line for line in lines if line.is_open]
    past = [line for line in reversed(lines) if not line.is_open]
    preferences = {
        (pref.mother_id, pref.family_member_id): pref
        for pref in RecipientPreference.objects.filter(
            Q(mother=mother) | Q(family_member__mother=mother)
        )
    }
    mother_preference = preferences.get((mother.pk, None))
    contacts = [
        Contact(
            key="mother",
            label=str(RecipientRole.MOTHER.label),
            phone=display_phone(mother.phone),
            opted_out=bool(mother_preference and mother_preference.is_opted_out),
        )
    ]
    for member in FamilyMember.objects.filter(mother=mother, ended_at__isnull=True).order_by(
        "created_at"
    ):
        preference = preferences.get((None, member.pk))
        contacts.append(
            Contact(
                key=f"family:{member.public_id}",
                label=f"{member.name} ({member.get_relationship_display()})",
                phone=display_phone(member.phone),
                opted_out=bool(preference and preference.is_opted_out),
                family_member=member,
            )
        )
    programme_settings = ProgrammeReminderSettings.objects.filter(
        programme_id=mother.programme_id
    ).first()
    delivery = programme_settings.family_delivery if programme_settings else FamilyDelivery.GATEWAY
    return MotherReminderPanel(
        mother=mother,
        upcoming=upcoming,
        past=past,
        contacts=contacts,
        can_manage=can(user, Permission.MANAGE_REMINDER_CONTACTS),
        delivery=delivery,
    )


@dataclass(frozen=True)
class SendList:
    cadre: Cadre | None
    today: dt.date
    to_send: list[ReminderLine]
    sent: list[ReminderLine]
    automatic: list[ReminderLine]
    quiet_until: dt.datetime | None = None


def cadre_send_list(user: User, *, now: dt.datetime) -> SendList:
    """Today's messages the cadre sends by hand to her clients (due now or later today, and
    earlier ones still useful), those already sent today, and today's reminders to her clients
    that the gateway sends (for information)."""
    resolver = ZoneResolver()
    cadre = Cadre.objects.filter(user=user).select_related("posyandu").first()
    zone = resolver.zone_of(cadre.posyandu) if cadre else resolver.default
    today = now.astimezone(zone).date()
    day_starts = dt.datetime.combine(today, dt.time(0, 0), tzinfo=zone)
    day_ends = day_starts + dt.timedelta(days=1)
    if cadre is None:
        return SendList(cadre=None, today=today, to_send=[], sent=[], automatic=[])
    relayed = (
        Reminder.objects.filter(relay_cadre=cadre, mother__in=mothers_visible_to(user))
        .filter(
            Q(status__in=OPEN_STATUSES, due_at__lt=day_ends, stale_at__gt=now)
            | Q(status=ReminderStatus.SENT, sent_at__gte=day_starts, sent_at__lt=day_ends)
        )
        .select_related(*RELATED)
        .order_by("due_at", "pk")
    )
    to_send, sent = [], []
    for reminder in relayed:
        line = _line(reminder, resolver, with_text=True)
        (sent if reminder.status == ReminderStatus.SENT else to_send).append(line)
    automatic = [
        _line(reminder, resolver, with_text=False)
        for reminder in Reminder.objects.filter(
            mother__in=mothers_visible_to(user),
            recipient_role__in=[RecipientRole.MOTHER, RecipientRole.FAMILY],
            due_at__gte=day_starts,
            due_at__lt=day_ends,
        )
        .exclude(channel=Channel.CADRE_WHATSAPP)
        .select_related(*RELATED)
        .order_by("due_at", "pk")
    ]
    programme_settings = (
        ProgrammeReminderSettings.objects.filter(programme_id=cadre.programme_id).first()
        or ProgrammeReminderSettings()
    )
    quiet_until = quiet_hours_end(
        now,
        zone=zone,
        starts=programme_settings.quiet_hours_start,
        ends=programme_settings.quiet_hours_end,
    )
    return SendList(
        cadre=cadre,
        today=today,
        to_send=to_send,
        sent=sent,
        automatic=automatic,
        quiet_until=quiet_until,
    )


def relayed_reminder_for(user: User, public_id) -> Reminder:
    """A reminder the cadre `user` sends by hand, or Reminder.DoesNotExist."""
    return (
        Reminder.objects.filter(
            relay_cadre__user=user, mother__in=mothers_visible_to(user), public_id=public_id
        )
        .select_related(*RELATED)
        .get()
    )


def send_line(reminder: Reminder) -> ReminderLine:
    return _line(reminder, ZoneResolver(), with_text=True)


def recipients_with_phone(phone: str) -> list[Mother | FamilyMember | Cadre | User]:
    """Everyone who receives reminders on `phone` (E.164)."""
    hashes = lookup_hashes(PHONE, phone)  # phone numbers are encrypted at rest
    return [
        *Mother.objects.filter(phone_hash__in=hashes),
        *FamilyMember.objects.filter(phone_hash__in=hashes, ended_at__isnull=True),
        *Cadre.objects.filter(phone_hash__in=hashes),
        *User.objects.filter(phone_hash__in=hashes),
    ]
