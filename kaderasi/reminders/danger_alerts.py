"""Red danger signs as facts for planning, and the check made again just before an alert or an
escalation is sent.

A red sign is known by its flag: the write path (web form, phone sync, import) raises a flag of
the danger-sign rule for every check with a sign, at the moment the check reaches the server, and
opens (or joins) a referral for the midwife. How urgent the check is comes from its signs' data
(`DangerSign.severity`, the most severe decides), not from the flag's colour, so an alert never
waits on how a flag was coloured. Working from stored rows, the minute sweep alerts whatever
interface wrote the check."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from kaderasi.accounts.models import Role, User
from kaderasi.care.danger_sign_rules import ALERTING, most_severe
from kaderasi.care.models import DangerSign, Flag, Referral
from kaderasi.reminders import planning
from kaderasi.reminders.models import (
    DANGER_KINDS,
    DangerAlertSettings,
    RecipientRole,
    Reminder,
    ReminderKind,
)

DANGER_SIGN_RULE = "danger_sign"
# How far before the planning window a flag may have been raised and still need a message: an
# escalation falls due up to its time to acknowledge after the flag.
LOOK_BACK = dt.timedelta(days=2)


def settings_by_programme() -> tuple[DangerAlertSettings, dict[int, DangerAlertSettings]]:
    """The default settings and each programme's own."""
    default = None
    own = {}
    for row in DangerAlertSettings.objects.select_related("escalation_contact"):
        if row.programme_id is None:
            default = row
        else:
            own[row.programme_id] = row
    return default or DangerAlertSettings(), own


def red_flags_since(since: dt.datetime) -> list[tuple[Flag, str]]:
    """Flags of the danger-sign rule raised since `since` whose check holds an emergency or a
    same-day sign, each with that most severe sign's severity."""
    flags = list(
        Flag.objects.filter(
            rule__code=DANGER_SIGN_RULE,
            danger_sign_report__isnull=False,
            raised_at__gte=since,
        )
        .select_related("danger_sign_report", "mother__posyandu", "mother__programme")
        .order_by("raised_at", "pk")
    )
    codes = {code for flag in flags for code in flag.danger_sign_report.signs}
    severity_of = dict(DangerSign.objects.filter(code__in=codes).values_list("code", "severity"))
    red = []
    for flag in flags:
        severity = most_severe(
            severity_of[code] for code in flag.danger_sign_report.signs if code in severity_of
        )
        if severity in ALERTING:
            red.append((flag, severity))
    return red


def covering_referrals(flags: list[Flag]) -> dict[int, Referral | None]:
    """Flag pk → the referral that asks the midwife to act on it: its own, or (when one of the
    same rule was already open for the mother) the latest one opened up to the flag."""
    if not flags:
        return {}
    referrals = defaultdict(list)
    for referral in Referral.objects.filter(
        mother_id__in={flag.mother_id for flag in flags}, flag__rule__code=DANGER_SIGN_RULE
    ).order_by("opened_at", "pk"):
        referrals[referral.mother_id].append(referral)
    covering: dict[int, Referral | None] = {}
    for flag in flags:
        own = [r for r in referrals[flag.mother_id] if r.flag_id == flag.pk]
        earlier = [r for r in referrals[flag.mother_id] if r.opened_at <= flag.raised_at]
        covering[flag.pk] = own[0] if own else (earlier[-1] if earlier else None)
    return covering


def alert_wanted(flag: Flag, referral: Referral | None) -> bool:
    """No midwife has acknowledged the referral since this flag was raised."""
    return (
        referral is None
        or referral.acknowledged_at is None
        or (referral.acknowledged_at < flag.raised_at)
    )


def escalation_wanted(referral: Referral | None) -> bool:
    """Nobody has acknowledged the referral (closing it acknowledges it too)."""
    return referral is None or referral.acknowledged_at is None


def reachable(user: User) -> bool:
    """Whether a message can reach `user` through the configured channel (a phone number, or an
    e-mail address for the e-mail channel)."""
    from kaderasi.reminders.channels import configured_channel

    return bool(user.email if configured_channel().address == "email" else user.phone)


def escalation_users(programme_ids: set[int], settings_for) -> dict[int, list[User]]:
    """Programme pk → the active coordinators on its team (when its settings escalate to them)
    and its puskesmas contact. A programme with nobody reachable among them falls back to the
    installation's active administrators, so that a red danger sign always reaches a person who
    can act (and who can then name a contact for the programme)."""
    users: dict[int, list[User]] = defaultdict(list)
    coordinators = User.objects.filter(
        role=Role.COORDINATOR, is_active=True, programmes__in=programme_ids
    ).values_list("programmes", "pk")
    by_pk = User.objects.in_bulk(
        {pk for _programme, pk in coordinators}
        | {
            settings_for(programme_id).escalation_contact_id
            for programme_id in programme_ids
            if settings_for(programme_id).escalation_contact_id
        }
    )
    for programme_id, pk in coordinators:
        if settings_for(programme_id).escalate_to_coordinators:
            users[programme_id].append(by_pk[pk])
    for programme_id in programme_ids:
        contact_id = settings_for(programme_id).escalation_contact_id
        contact = by_pk.get(contact_id)
        if contact is not None and contact.is_active and contact not in users[programme_id]:
            users[programme_id].append(contact)
    uncovered = [pk for pk in programme_ids if not any(map(reachable, users[pk]))]
    if uncovered:
        administrators = list(User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk"))
        for programme_id in uncovered:
            users[programme_id].extend(u for u in administrators if u not in users[programme_id])
    return users


@dataclass(frozen=True)
class Audience:
    """Who hears of a red danger sign about one mother: the midwives covering her who can be
    reached, else the escalation contacts, told at once (what the cadre is told after a check)."""

    midwives: list[User]
    escalation: list[User]

    @property
    def uncovered(self) -> bool:
        return not self.midwives


def audience_of(mother) -> Audience:
    """The people a red danger sign about `mother` reaches now (`posyandu` loaded)."""
    from kaderasi.care.contacts import midwife_users_of

    midwives = [user for user in midwife_users_of([mother]).get(mother.pk, []) if reachable(user)]
    if midwives:
        return Audience(midwives=midwives, escalation=[])
    default, own = settings_by_programme()
    users = escalation_users(
        {mother.programme_id}, lambda programme_id: own.get(programme_id, default)
    )
    return Audience(
        midwives=[], escalation=[u for u in users.get(mother.programme_id, []) if reachable(u)]
    )


def gather_alerts(
    *,
    window: planning.Window,
    withdrawn_mothers: set[int],
    midwives_of,
    zone_of,
    languages: dict[tuple[str, int], str],
) -> list[planning.DangerAlertFacts]:
    """The red danger signs whose alert or escalation may fall in `window`. `midwives_of(mothers)`
    answers mother pk → midwife user pks; `zone_of(mother)` her time zone; `languages` receives
    each recipient's language."""
    default, own = settings_by_programme()

    def settings_for(programme_id: int) -> DangerAlertSettings:
        return own.get(programme_id, default)

    red = [
        (flag, severity)
        for flag, severity in red_flags_since(window.starts_at - LOOK_BACK)
        if flag.mother_id not in withdrawn_mothers
        and flag.danger_sign_report.observed_at
        >= flag.raised_at
        - dt.timedelta(hours=settings_for(flag.mother.programme_id).history_after_hours)
    ]
    if not red:
        return []
    flags = [flag for flag, _severity in red]
    referrals = covering_referrals(flags)
    mothers = {flag.mother_id: flag.mother for flag in flags}
    midwives = midwives_of(list(mothers.values()))
    reachable_midwives = {
        user.pk
        for user in User.objects.filter(pk__in={pk for pks in midwives.values() for pk in pks})
        if reachable(user)
    }
    escalation = escalation_users({m.programme_id for m in mothers.values()}, settings_for)
    for users in escalation.values():
        for user in users:
            languages.setdefault((RecipientRole.ESCALATION, user.pk), user.preferred_language)
    alerts = []
    for flag, severity in red:
        mother = flag.mother
        zone = zone_of(mother)
        referral = referrals[flag.pk]
        report = flag.danger_sign_report
        alerts.append(
            planning.DangerAlertFacts(
                flag_id=flag.pk,
                flag_public_id=str(flag.public_id),
                programme_id=mother.programme_id,
                mother_id=mother.pk,
                severity=severity,
                raised_at=flag.raised_at,
                acknowledge_within=settings_for(mother.programme_id).acknowledge_within(severity),
                alert_wanted=alert_wanted(flag, referral),
                escalation_wanted=escalation_wanted(referral),
                midwives=tuple(
                    planning.Recipient(RecipientRole.MIDWIFE, user_id, zone)
                    for user_id in midwives.get(mother.pk, ())
                ),
                escalation=tuple(
                    planning.Recipient(RecipientRole.ESCALATION, user.pk, zone)
                    for user in escalation.get(mother.programme_id, ())
                ),
                midwife_reachable=bool(reachable_midwives & set(midwives.get(mother.pk, ()))),
                context={
                    "signs": list(report.signs),
                    "report_id": report.pk,
                    "raised_at": flag.raised_at.isoformat(),
                },
            )
        )
    return alerts


def still_wanted(row: Reminder) -> bool:
    """Just before sending: is the alert or escalation still wanted (nobody acknowledged the
    referral meanwhile)? Other kinds are not judged here."""
    if row.kind not in DANGER_KINDS:
        return True
    flag = Flag.objects.filter(pk=(row.context or {}).get("flag_id")).first()
    if flag is None:
        return False
    referral = covering_referrals([flag])[flag.pk]
    if row.kind == ReminderKind.DANGER_SIGN_ALERT:
        return alert_wanted(flag, referral)
    return escalation_wanted(referral)


def mothers_with_red_flags_since(since: dt.datetime) -> set[int]:
    """Mothers with a danger-sign flag raised since `since` (planning loads them)."""
    return set(
        Flag.objects.filter(
            Q(rule__code=DANGER_SIGN_RULE) & Q(danger_sign_report__isnull=False),
            raised_at__gte=since,
        ).values_list("mother_id", flat=True)
    )


def _reporter(report, mother):
    """Whoever reported the check, as care.contacts names and reaches her (the cadre behind her
    login, else the user), else the mother's cadre."""
    from kaderasi.care.contacts import Contact, contacts_of_users
    from kaderasi.care.models import Pairing

    if report.recorded_by is not None:
        return contacts_of_users([report.recorded_by])[report.recorded_by_id]
    pairing = (
        Pairing.objects.filter(mother=mother, ends_at__isnull=True).select_related("cadre").first()
    )
    if pairing is not None:
        return Contact(name=pairing.cadre.name, phone=pairing.cadre.phone)
    return Contact(name="-")


def danger_sign_values(reminder: Reminder) -> dict[str, str]:
    """The placeholders of an alert or escalation, in the reminder's language: the mother's code
    (never her name), how urgent, the signs as the cadre read them, her note, the cadre with a
    call link, the midwives (for an escalation) and the minutes waited."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    from kaderasi.care.contacts import Contact, midwives_of
    from kaderasi.care.models import DangerSignReport

    context = reminder.context or {}
    mother = reminder.mother
    report = (
        DangerSignReport.objects.filter(pk=context.get("report_id"))
        .select_related("recorded_by")
        .first()
    )
    codes = list(context.get("signs", []))
    signs = {sign.code: sign for sign in DangerSign.objects.filter(code__in=codes)}
    reporter = _reporter(report, mother) if report is not None else Contact(name="-")
    with translation.override(reminder.language):
        severity = {"emergency": _("EMERGENCY"), "same_day": _("same day")}.get(
            context.get("severity", ""), context.get("severity", "")
        )
        sign_texts = "; ".join(signs[code].text for code in codes if code in signs)
        note = (report.notes.strip() if report is not None else "") or _("none")
        midwives = ", ".join(
            f"{contact.name} {contact.phone_display}".strip()
            for contact in midwives_of([mother]).get(mother.pk, [])
        ) or _("none covers her village")
    return {
        "mother_code": mother.code,
        "severity": severity,
        "signs": sign_texts,
        "note": note[:300],
        "cadre": reporter.name,
        "cadre_phone": reporter.phone_display or "-",
        "call": reporter.tel_url,
        "midwives": midwives,
        "waited": str(context.get("waited_minutes", "")),
    }
