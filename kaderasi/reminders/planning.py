"""Which reminders should exist, computed from plain facts (no database access).

The service gathers facts (mothers, sessions, certificates, rules) into the dataclasses below;
`plan_reminders` returns every reminder whose due time falls in the planning window, each with a
stable key. Consent, opt-out and sending are decided elsewhere; this module only knows time.

Anchors per kind (the rule's `offset` moves the due time from the anchor):
- antenatal_education: every `every_days` from the programme's antenatal start week until the
  delivery is recorded or the pregnancy reaches 42 weeks, at `send_at` local time;
- session_due: the start of each scheduled window not yet done (never after the window closes);
- baseline_measurement: the start of the first window, while no baseline volume is recorded;
- follow_up_measurement: the end of the last window, while no follow-up volume is recorded;
- feeding_guidance: `send_at` on each postpartum day from `first_day` to `last_day`;
- missed_session: the end of a window that closed without a session recorded;
- certificate_refresher: `lead_days` before the certificate expires (or its refresher date);
- morning_digest: `send_at` on each day the cadre has tasks, listing them in one message;
- danger_sign_alert: the moment a red danger sign's flag was raised on the server, to each midwife
  covering the mother, while no midwife has acknowledged its referral since;
- danger_sign_escalation: the flag's time plus the programme's time to acknowledge (by severity),
  to the coordinators and the puskesmas contact, while the referral was never acknowledged.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from kaderasi.care.timing import FULL_TERM_DAYS
from kaderasi.reminders.models.choices import RecipientRole, ReminderKind

# A pregnancy of 42 weeks or more is post-term (WHO definition): it needs the midwife, not a
# weekly leaflet, so antenatal education stops there.
POST_TERM_WEEKS = 42
# How far ahead reminders are planned: far enough that tomorrow's digest sees all its tasks.
PLANNING_HORIZON = dt.timedelta(hours=48)
MIDNIGHT = dt.time(0, 0)


@dataclass(frozen=True)
class Rule:
    id: int
    kind: str
    recipient_role: str
    offset: dt.timedelta = dt.timedelta(0)
    send_at: dt.time | None = None
    stale_after: dt.timedelta = dt.timedelta(hours=24)
    first_day: int | None = None
    last_day: int | None = None
    every_days: int | None = None
    lead_days: int | None = None


@dataclass(frozen=True)
class Recipient:
    role: str
    id: int
    zone: ZoneInfo


@dataclass(frozen=True)
class Session:
    id: int
    public_id: str
    postpartum_day: int
    slot: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    done: bool = False


@dataclass(frozen=True)
class MotherFacts:
    """What planning needs to know about one mother whose data may be processed."""

    id: int
    programme_id: int
    zone: ZoneInfo
    antenatal_start_week: int = 36
    pregnancy_id: int | None = None
    # The date on which gestational age was 0+0 (the LMP, else the EDD minus 280 days); only
    # for a pregnancy without a recorded delivery.
    pregnancy_day_zero: dt.date | None = None
    delivered_at: dt.datetime | None = None
    sessions: tuple[Session, ...] = ()
    has_baseline: bool = False
    has_follow_up: bool = False
    cadre: Recipient | None = None
    family: tuple[Recipient, ...] = ()
    midwives: tuple[Recipient, ...] = ()

    @property
    def as_recipient(self) -> Recipient:
        return Recipient(RecipientRole.MOTHER, self.id, self.zone)


@dataclass(frozen=True)
class CertificateFacts:
    id: int
    public_id: str
    programme_id: int
    cadre: Recipient
    expires_on: dt.date
    refresher_due_on: dt.date | None = None


@dataclass(frozen=True)
class CadreFacts:
    recipient: Recipient
    programme_id: int


@dataclass(frozen=True)
class DangerAlertFacts:
    """A red danger sign that reached the server (its flag), and who should hear of it.

    `alert_wanted`: no midwife has acknowledged the referral since the flag was raised;
    `escalation_wanted`: nobody has acknowledged the referral at all. `midwife_reachable`: at
    least one midwife covering the mother has a number or an address, so an alert can reach
    someone; when none does, the escalation contacts are told at once instead of after the time
    to acknowledge (nobody could have acknowledged it)."""

    flag_id: int
    flag_public_id: str
    programme_id: int
    mother_id: int
    severity: str
    raised_at: dt.datetime
    acknowledge_within: dt.timedelta
    alert_wanted: bool
    escalation_wanted: bool
    midwives: tuple[Recipient, ...] = ()
    escalation: tuple[Recipient, ...] = ()
    midwife_reachable: bool = True
    context: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Window:
    """The planning window: reminders due in it are planned (inclusive at both ends)."""

    starts_at: dt.datetime
    ends_at: dt.datetime

    def __contains__(self, at: dt.datetime) -> bool:
        return self.starts_at <= at <= self.ends_at


@dataclass(frozen=True)
class PlannedReminder:
    key: str
    kind: str
    rule_id: int
    programme_id: int
    recipient: Recipient
    due_at: dt.datetime
    stale_at: dt.datetime
    mother_id: int | None = None
    session_id: int | None = None
    context: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class _Occurrence:
    key: str
    due_at: dt.datetime
    stale_at: dt.datetime
    session_id: int | None = None
    context: dict = field(default_factory=dict)


def planning_window(*, now: dt.datetime, lookback: dt.timedelta) -> Window:
    return Window(starts_at=now - lookback, ends_at=now + PLANNING_HORIZON)


def local_datetime(day: dt.date, time: dt.time | None, zone: ZoneInfo) -> dt.datetime:
    """`time` on `day` in `zone` (midnight when no time is given)."""
    return dt.datetime.combine(day, time or MIDNIGHT, tzinfo=zone)


def plan_reminders(
    *,
    mothers: Iterable[MotherFacts],
    certificates: Iterable[CertificateFacts] = (),
    cadres: Iterable[CadreFacts] = (),
    alerts: Iterable[DangerAlertFacts] = (),
    rules: Mapping[int, tuple[Rule, ...]],
    window: Window,
    now: dt.datetime,
) -> list[PlannedReminder]:
    """Every reminder due within `window`, keyed so that planning again yields the same keys.

    `rules` maps a programme id to its effective, active rules."""
    mothers = list(mothers)
    planned: list[PlannedReminder] = []
    for mother in mothers:
        for rule in rules.get(mother.programme_id, ()):
            planned.extend(_mother_reminders(rule, mother, window, now))
    for certificate in certificates:
        for rule in rules.get(certificate.programme_id, ()):
            if rule.kind == ReminderKind.CERTIFICATE_REFRESHER:
                planned.extend(_refresher_reminders(rule, certificate, window))
    mothers_by_cadre: dict[int, list[MotherFacts]] = defaultdict(list)
    for mother in mothers:
        if mother.cadre is not None:
            mothers_by_cadre[mother.cadre.id].append(mother)
    for cadre in cadres:
        for rule in rules.get(cadre.programme_id, ()):
            if rule.kind == ReminderKind.MORNING_DIGEST and rule.recipient_role == "cadre":
                clients = mothers_by_cadre.get(cadre.recipient.id, ())
                planned.extend(_digest_reminders(rule, cadre, clients))
    for alert in alerts:
        programme_rules = rules.get(alert.programme_id, ())
        uncovered_rule = any(
            rule.kind == ReminderKind.DANGER_SIGN_UNCOVERED for rule in programme_rules
        )
        for rule in programme_rules:
            planned.extend(danger_alert_reminders(rule, alert, uncovered_rule=uncovered_rule))
    return [reminder for reminder in planned if reminder.due_at in window]


def danger_alert_reminders(
    rule: Rule, alert: DangerAlertFacts, *, uncovered_rule: bool = True
) -> list[PlannedReminder]:
    """The alert to each midwife (due when the flag was raised) or the escalation to each
    contact (due when the time to acknowledge has run out), as long as it is still wanted.

    When no midwife covering the mother can be reached, waiting for an acknowledgement would only
    delay help: the programme's rule for that case (`uncovered_rule`: it has one) tells the
    escalation contacts at once, in its own words, and the escalation after the wait is not sent.
    Without such a rule the escalation after the wait still goes, so a switched-off rule never
    leaves a red sign with nobody told."""
    waited = int(alert.acknowledge_within.total_seconds() // 60)
    if rule.recipient_role == RecipientRole.MIDWIFE and rule.kind == ReminderKind.DANGER_SIGN_ALERT:
        if not alert.alert_wanted:
            return []
        recipients, due = alert.midwives, alert.raised_at + rule.offset
    elif (
        rule.recipient_role == RecipientRole.ESCALATION
        and rule.kind == ReminderKind.DANGER_SIGN_ESCALATION
    ):
        if not alert.escalation_wanted or (uncovered_rule and not alert.midwife_reachable):
            return []
        recipients, due = alert.escalation, alert.raised_at + alert.acknowledge_within + rule.offset
    elif (
        rule.recipient_role == RecipientRole.ESCALATION
        and rule.kind == ReminderKind.DANGER_SIGN_UNCOVERED
    ):
        if not alert.escalation_wanted or alert.midwife_reachable:
            return []
        recipients, due, waited = alert.escalation, alert.raised_at + rule.offset, 0
    else:
        return []
    return [
        PlannedReminder(
            key=f"{rule.kind}:{recipient.role}:{recipient.id}:f{alert.flag_public_id}",
            kind=rule.kind,
            rule_id=rule.id,
            programme_id=alert.programme_id,
            recipient=recipient,
            due_at=due,
            stale_at=due + rule.stale_after,
            mother_id=alert.mother_id,
            context={
                **alert.context,
                "flag_id": alert.flag_id,
                "severity": alert.severity,
                "waited_minutes": waited,
            },
        )
        for recipient in recipients
    ]


def _recipients(rule: Rule, mother: MotherFacts) -> tuple[Recipient, ...]:
    role = rule.recipient_role
    if role == RecipientRole.MOTHER:
        # Session reminders go to the family member who massages; the mother gets them only
        # when nobody else is recorded.
        if rule.kind == ReminderKind.SESSION_DUE and mother.family:
            return ()
        return (mother.as_recipient,)
    if role == RecipientRole.FAMILY:
        return mother.family
    if role == RecipientRole.CADRE:
        return (mother.cadre,) if mother.cadre else ()
    if role == RecipientRole.MIDWIFE:
        return mother.midwives
    return ()


def _mother_reminders(
    rule: Rule, mother: MotherFacts, window: Window, now: dt.datetime
) -> list[PlannedReminder]:
    planned = []
    for recipient in _recipients(rule, mother):
        for occurrence in _occurrences(rule, mother, recipient.zone, now):
            planned.append(
                PlannedReminder(
                    key=f"{rule.kind}:{recipient.role}:{recipient.id}:{occurrence.key}",
                    kind=rule.kind,
                    rule_id=rule.id,
                    programme_id=mother.programme_id,
                    recipient=recipient,
                    due_at=occurrence.due_at,
                    stale_at=occurrence.stale_at,
                    mother_id=mother.id,
                    session_id=occurrence.session_id,
                    context=occurrence.context,
                )
            )
    return planned


def _occurrences(
    rule: Rule, mother: MotherFacts, zone: ZoneInfo, now: dt.datetime
) -> list[_Occurrence]:
    kind = rule.kind
    pending = [s for s in mother.sessions if not s.done]
    if kind == ReminderKind.ANTENATAL_EDUCATION:
        return _antenatal(rule, mother, zone)
    if kind == ReminderKind.SESSION_DUE:
        return [
            _occurrence(rule, s.public_id, s.starts_at + rule.offset, session=s, latest=s.ends_at)
            for s in pending
        ]
    if kind == ReminderKind.MISSED_SESSION:
        return [
            _occurrence(rule, s.public_id, s.ends_at + rule.offset, session=s)
            for s in pending
            if s.ends_at <= now
        ]
    if kind == ReminderKind.BASELINE_MEASUREMENT and mother.sessions and not mother.has_baseline:
        first = min(mother.sessions, key=lambda s: s.starts_at)
        return [_occurrence(rule, f"m{mother.id}", first.starts_at + rule.offset, session=first)]
    if kind == ReminderKind.FOLLOW_UP_MEASUREMENT and mother.sessions and not mother.has_follow_up:
        last = max(mother.sessions, key=lambda s: s.ends_at)
        return [_occurrence(rule, f"m{mother.id}", last.ends_at + rule.offset, session=last)]
    if kind == ReminderKind.FEEDING_GUIDANCE and mother.delivered_at is not None:
        return _feeding(rule, mother.delivered_at, zone)
    return []


def _occurrence(
    rule: Rule,
    key: str,
    due_at: dt.datetime,
    *,
    session: Session | None = None,
    latest: dt.datetime | None = None,
    context: dict | None = None,
) -> _Occurrence:
    stale_at = due_at + rule.stale_after
    if latest is not None:
        stale_at = max(due_at, min(stale_at, latest))
    details = dict(context or {})
    if session is not None:
        details.update(
            {
                "day": session.postpartum_day,
                "slot": session.slot,
                "starts_at": session.starts_at.isoformat(),
                "ends_at": session.ends_at.isoformat(),
            }
        )
    return _Occurrence(
        key=key,
        due_at=due_at,
        stale_at=stale_at,
        session_id=session.id if session else None,
        context=details,
    )


def antenatal_visit_days(mother: MotherFacts, every_days: int = 7) -> list[dt.date]:
    """The days antenatal education is due: from the start week, every `every_days`, while the
    pregnancy is under 42 weeks and no delivery is recorded."""
    if mother.pregnancy_day_zero is None or mother.delivered_at is not None:
        return []
    first = mother.pregnancy_day_zero + dt.timedelta(weeks=mother.antenatal_start_week)
    last = mother.pregnancy_day_zero + dt.timedelta(weeks=POST_TERM_WEEKS)
    days = []
    day = first
    while day < last:
        days.append(day)
        day += dt.timedelta(days=every_days)
    return days


def _antenatal(rule: Rule, mother: MotherFacts, zone: ZoneInfo) -> list[_Occurrence]:
    occurrences = []
    for day in antenatal_visit_days(mother, rule.every_days or 7):
        gestational_days = (day - mother.pregnancy_day_zero).days
        occurrences.append(
            _occurrence(
                rule,
                f"p{mother.pregnancy_id}:d{gestational_days}",
                local_datetime(day, rule.send_at, zone) + rule.offset,
                context={"week": gestational_days // 7},
            )
        )
    return occurrences


def _feeding(rule: Rule, delivered_at: dt.datetime, zone: ZoneInfo) -> list[_Occurrence]:
    first = rule.first_day or 1
    last = rule.last_day or first
    occurrences = []
    for day in range(first, last + 1):
        starts = (delivered_at + dt.timedelta(days=day - 1)).astimezone(zone)
        if rule.send_at is None:
            due = starts + rule.offset
        else:
            due = local_datetime(starts.date(), rule.send_at, zone)
            if due < starts:
                due += dt.timedelta(days=1)
            due += rule.offset
        occurrences.append(_occurrence(rule, f"d{day}", due, context={"day": day}))
    return occurrences


def _refresher_reminders(
    rule: Rule, certificate: CertificateFacts, window: Window
) -> list[PlannedReminder]:
    anchor = certificate.expires_on - dt.timedelta(days=rule.lead_days or 0)
    if certificate.refresher_due_on is not None and certificate.refresher_due_on < anchor:
        anchor = certificate.refresher_due_on
    days = [anchor]
    if rule.every_days:
        while days[-1] + dt.timedelta(days=rule.every_days) < certificate.expires_on:
            days.append(days[-1] + dt.timedelta(days=rule.every_days))
    recipient = certificate.cadre
    planned = []
    for day in days:
        due = local_datetime(day, rule.send_at, recipient.zone) + rule.offset
        key = f"c{certificate.public_id}:{(certificate.expires_on - day).days}"
        planned.append(
            PlannedReminder(
                key=f"{rule.kind}:{recipient.role}:{recipient.id}:{key}",
                kind=rule.kind,
                rule_id=rule.id,
                programme_id=certificate.programme_id,
                recipient=recipient,
                due_at=due,
                stale_at=due + rule.stale_after,
                context={
                    "expires_on": certificate.expires_on.isoformat(),
                    "certificate_id": certificate.id,
                },
            )
        )
    return planned


def digest_tasks(mothers: Iterable[MotherFacts], zone: ZoneInfo) -> dict[dt.date, list[dict]]:
    """A cadre's tasks grouped by local date: sessions not yet done, measurements still missing
    and antenatal visits, each as a small dict (kind, mother, times) in time order."""
    by_day: dict[dt.date, list[dict]] = defaultdict(list)
    for mother in mothers:
        pending = sorted((s for s in mother.sessions if not s.done), key=lambda s: s.starts_at)
        for session in pending:
            by_day[session.starts_at.astimezone(zone).date()].append(
                {
                    "kind": ReminderKind.SESSION_DUE.value,
                    "mother_id": mother.id,
                    "starts_at": session.starts_at.isoformat(),
                    "ends_at": session.ends_at.isoformat(),
                    "day": session.postpartum_day,
                    "slot": session.slot,
                }
            )
        if mother.sessions and not mother.has_baseline:
            first = min(mother.sessions, key=lambda s: s.starts_at)
            by_day[first.starts_at.astimezone(zone).date()].append(
                {
                    "kind": ReminderKind.BASELINE_MEASUREMENT.value,
                    "mother_id": mother.id,
                    "starts_at": first.starts_at.isoformat(),
                }
            )
        if mother.sessions and not mother.has_follow_up:
            last = max(mother.sessions, key=lambda s: s.ends_at)
            by_day[last.ends_at.astimezone(zone).date()].append(
                {
                    "kind": ReminderKind.FOLLOW_UP_MEASUREMENT.value,
                    "mother_id": mother.id,
                    "starts_at": last.ends_at.isoformat(),
                    "day": last.postpartum_day,
                }
            )
        for day in antenatal_visit_days(mother):
            by_day[day].append(
                {
                    "kind": ReminderKind.ANTENATAL_EDUCATION.value,
                    "mother_id": mother.id,
                    "starts_at": "",
                    "week": (day - mother.pregnancy_day_zero).days // 7,
                }
            )
    for tasks in by_day.values():
        tasks.sort(key=lambda task: (task["starts_at"] or "~", task["mother_id"]))
    return by_day


def _digest_reminders(
    rule: Rule, cadre: CadreFacts, mothers: Iterable[MotherFacts]
) -> list[PlannedReminder]:
    recipient = cadre.recipient
    planned = []
    for day, tasks in sorted(digest_tasks(mothers, recipient.zone).items()):
        due = local_datetime(day, rule.send_at, recipient.zone) + rule.offset
        planned.append(
            PlannedReminder(
                key=f"{rule.kind}:{recipient.role}:{recipient.id}:{day.isoformat()}",
                kind=rule.kind,
                rule_id=rule.id,
                programme_id=cadre.programme_id,
                recipient=recipient,
                due_at=due,
                stale_at=due + rule.stale_after,
                context={"date": day.isoformat(), "tasks": tasks},
            )
        )
    return planned


def pregnancy_day_zero(
    *, last_menstrual_period: dt.date | None, estimated_delivery_date: dt.date | None
) -> dt.date | None:
    """The day gestational age was 0+0, by the same convention as care.timing: the LMP when
    known (Naegele), else 280 days before the EDD."""
    if last_menstrual_period is not None:
        return last_menstrual_period
    if estimated_delivery_date is not None:
        return estimated_delivery_date - dt.timedelta(days=FULL_TERM_DAYS)
    return None


def quiet_hours_end(
    at: dt.datetime, *, zone: ZoneInfo, starts: dt.time, ends: dt.time
) -> dt.datetime | None:
    """When the quiet hours containing `at` end (in `zone`), or None if `at` is not in quiet
    hours. Quiet hours may wrap midnight (20:00–07:00); equal start and end mean none."""
    if starts == ends:
        return None
    local = at.astimezone(zone)
    time = local.timetz().replace(tzinfo=None)
    if starts > ends:  # wraps midnight
        if time >= starts:
            return local_datetime(local.date() + dt.timedelta(days=1), ends, zone)
        if time < ends:
            return local_datetime(local.date(), ends, zone)
        return None
    if starts <= time < ends:
        return local_datetime(local.date(), ends, zone)
    return None


def retry_delay(attempts: int, *, base: dt.timedelta, cap: dt.timedelta) -> dt.timedelta:
    """Exponential backoff: base, 2×base, 4×base … after the 1st, 2nd, 3rd failed attempt,
    never more than `cap`."""
    return min(base * (2 ** max(attempts - 1, 0)), cap)
