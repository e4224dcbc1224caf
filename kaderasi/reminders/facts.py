"""Reads the database into the plain facts planning.py works on (a fixed number of queries,
plus one per midwife who may receive an escalation)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from kaderasi.accounts.models import Role, User
from kaderasi.cadres.models import Cadre
from kaderasi.care.consent import processing_allowed
from kaderasi.care.models import (
    ConsentSubject,
    Delivery,
    MassageSession,
    Measurement,
    MeasurementKind,
    MilkPhase,
    Mother,
    Pairing,
    Pregnancy,
    ScheduledSession,
)
from kaderasi.care.stops import massage_stops_of
from kaderasi.care.timing import FULL_TERM_DAYS
from kaderasi.programmes.models import Programme
from kaderasi.regions.models import Area
from kaderasi.regions.selectors import within_areas_q
from kaderasi.reminders import danger_alerts, planning
from kaderasi.reminders.models import (
    DANGER_KINDS,
    FamilyDelivery,
    FamilyMember,
    ProgrammeReminderSettings,
    RecipientPreference,
    RecipientRole,
    ReminderKind,
    ReminderRule,
)
from kaderasi.reminders.timezones import ZoneResolver
from kaderasi.training.models import Certificate

# How much earlier or later than the planning window a fact may lie and still matter.
MARGIN = dt.timedelta(days=2)


def effective_rules() -> dict[int, tuple[planning.Rule, ...]]:
    """For every programme, its active rules: its own rule for a kind and recipient, else the
    default one (an inactive programme rule switches the default off)."""
    defaults: dict[tuple[str, str], ReminderRule] = {}
    own: dict[int, dict[tuple[str, str], ReminderRule]] = defaultdict(dict)
    for rule in ReminderRule.objects.all():
        key = (rule.kind, rule.recipient_role)
        if rule.programme_id is None:
            defaults[key] = rule
        else:
            own[rule.programme_id][key] = rule
    effective = {}
    for programme_id in Programme.objects.values_list("pk", flat=True):
        merged = {**defaults, **own.get(programme_id, {})}
        effective[programme_id] = tuple(
            _as_plan_rule(rule) for rule in merged.values() if rule.is_active
        )
    return effective


def _as_plan_rule(rule: ReminderRule) -> planning.Rule:
    return planning.Rule(
        id=rule.pk,
        kind=rule.kind,
        recipient_role=rule.recipient_role,
        offset=rule.offset,
        send_at=rule.send_at,
        stale_after=rule.stale_after,
        first_day=rule.first_day,
        last_day=rule.last_day,
        every_days=rule.every_days,
        lead_days=rule.lead_days,
    )


def lookback_of(rules: dict[int, tuple[planning.Rule, ...]]) -> dt.timedelta:
    """How far back planning looks: as far as the most patient rule still sends (1 to 7 days)."""
    longest = max(
        (rule.stale_after for rules_of in rules.values() for rule in rules_of),
        default=dt.timedelta(days=1),
    )
    return min(max(longest, dt.timedelta(days=1)), dt.timedelta(days=7))


@dataclass
class Directory:
    """What a planned reminder's row needs beyond the plan: districts, languages, relays."""

    default_language: str
    mother_district: dict[int, int] = field(default_factory=dict)
    mother_relay_cadre: dict[int, int] = field(default_factory=dict)
    cadre_district: dict[int, int] = field(default_factory=dict)
    cadre_programme: dict[int, int] = field(default_factory=dict)
    languages: dict[tuple[str, int], str] = field(default_factory=dict)
    opted_out: set[tuple[str, int]] = field(default_factory=set)
    family_delivery: dict[int, str] = field(default_factory=dict)
    mothers_loaded: set[int] = field(default_factory=set)
    withdrawn_mothers: set[int] = field(default_factory=set)

    def language_of(self, role: str, recipient_id: int) -> str:
        return self.languages.get((role, recipient_id)) or self.default_language

    def is_opted_out(self, role: str, recipient_id: int) -> bool:
        return (role, recipient_id) in self.opted_out


@dataclass
class PlanningFacts:
    mothers: list[planning.MotherFacts]
    certificates: list[planning.CertificateFacts]
    cadres: list[planning.CadreFacts]
    directory: Directory
    alerts: list[planning.DangerAlertFacts] = field(default_factory=list)


def district_id_of(area: Area) -> int | None:
    """The district (kecamatan) above `area`: the third id of its path."""
    parts = [int(part) for part in area.path.strip("/").split("/") if part]
    return parts[2] if len(parts) >= 3 else None


def withdrawn_mothers() -> set[int]:
    """Mothers whose consent to process their data is withdrawn (care.consent decides)."""
    candidates = (
        Mother.objects.filter(
            consents__subject=ConsentSubject.MOTHER, consents__withdrawn_at__isnull=False
        )
        .distinct()
        .only("pk")
    )
    return {
        mother.pk for mother in candidates if not processing_allowed(mother, ConsentSubject.MOTHER)
    }


def gather_facts(
    *, window: planning.Window, rules: dict[int, tuple[planning.Rule, ...]]
) -> PlanningFacts:
    """Everything planning needs about mothers, cadres and certificates whose reminders may fall
    in `window`."""
    resolver = ZoneResolver()
    directory = Directory(default_language=settings.LANGUAGE_CODE)
    directory.withdrawn_mothers = withdrawn_mothers()
    directory.family_delivery = dict(
        ProgrammeReminderSettings.objects.values_list("programme_id", "family_delivery")
    )
    _load_preferences(directory)

    alerting = rules_alert_danger_signs(rules)
    mother_ids = _relevant_mother_ids(window, rules)
    if alerting:
        mother_ids |= danger_alerts.mothers_with_red_flags_since(
            window.starts_at - danger_alerts.LOOK_BACK
        )
    mother_ids -= directory.withdrawn_mothers
    directory.mothers_loaded = set(mother_ids)
    mothers = list(
        Mother.objects.filter(pk__in=mother_ids)
        .select_related("programme", "posyandu")
        .order_by("pk")
    )
    pregnancies = _latest_pregnancies(mother_ids)
    deliveries = _latest_deliveries(mother_ids)
    sessions = _sessions(mother_ids)
    # A danger sign that stops the massage (care.stops) stops its reminders and missed-session
    # escalations until the midwife closes the referral: no message asks for a massage that
    # the cadre's screen forbids.
    for mother_id in massage_stops_of(mother_ids):
        sessions.pop(mother_id, None)
    phases = set(
        Measurement.objects.filter(
            mother_id__in=mother_ids,
            kind=MeasurementKind.MILK_VOLUME,
            phase__in=[MilkPhase.BEFORE, MilkPhase.AFTER],
        ).values_list("mother_id", "phase")
    )
    pairings = {
        pairing.mother_id: pairing.cadre
        for pairing in Pairing.objects.filter(
            mother_id__in=mother_ids, ends_at__isnull=True
        ).select_related("cadre__posyandu", "cadre__user")
    }
    family = defaultdict(list)
    for member in FamilyMember.objects.filter(mother_id__in=mother_ids, ended_at__isnull=True):
        family[member.mother_id].append(member)
        directory.languages[(RecipientRole.FAMILY, member.pk)] = member.language
    needs_midwife = {
        mother_id
        for mother_id, mother_sessions in sessions.items()
        if any(not s.done and s.ends_at <= window.ends_at for s in mother_sessions)
    }
    midwives = _midwives_covering(
        [m for m in mothers if m.pk in needs_midwife], directory, rules_need_midwife(rules)
    )

    cadres: dict[int, Cadre] = {}
    facts = []
    for mother in mothers:
        zone = resolver.zone_of(mother.posyandu)
        district = district_id_of(mother.posyandu)
        if district is not None:
            directory.mother_district[mother.pk] = district
        cadre = pairings.get(mother.pk)
        cadre_recipient = None
        if cadre is not None:
            cadres[cadre.pk] = cadre
            cadre_recipient = planning.Recipient(
                RecipientRole.CADRE, cadre.pk, resolver.zone_of(cadre.posyandu)
            )
            if directory.family_delivery.get(mother.programme_id) == FamilyDelivery.CADRE_WHATSAPP:
                directory.mother_relay_cadre[mother.pk] = cadre.pk
        pregnancy = pregnancies.get(mother.pk)
        delivery = deliveries.get(mother.pk)
        undelivered = pregnancy is not None and not _delivered(pregnancy, deliveries)
        # A stillbirth, the baby's death or intensive care ends the accompaniment: no session,
        # feeding or milk reminder follows it (issue 19). Danger-sign alerts are planned apart.
        stopped = delivery is not None and bool(delivery.birth_outcome)
        facts.append(
            planning.MotherFacts(
                id=mother.pk,
                programme_id=mother.programme_id,
                zone=zone,
                antenatal_start_week=mother.programme.antenatal_start_week,
                pregnancy_id=pregnancy.pk if pregnancy else None,
                pregnancy_day_zero=planning.pregnancy_day_zero(
                    last_menstrual_period=pregnancy.last_menstrual_period,
                    estimated_delivery_date=pregnancy.estimated_delivery_date,
                )
                if undelivered
                else None,
                delivered_at=None
                if undelivered or delivery is None or stopped
                else delivery.delivered_at,
                sessions=() if stopped else tuple(sessions.get(mother.pk, ())),
                has_baseline=(mother.pk, MilkPhase.BEFORE) in phases,
                has_follow_up=(mother.pk, MilkPhase.AFTER) in phases,
                cadre=cadre_recipient,
                family=tuple(
                    planning.Recipient(RecipientRole.FAMILY, member.pk, zone)
                    for member in family.get(mother.pk, ())
                ),
                midwives=tuple(
                    planning.Recipient(RecipientRole.MIDWIFE, user_id, zone)
                    for user_id in midwives.get(mother.pk, ())
                ),
            )
        )

    certificates = _certificates(window, rules, resolver, cadres)
    for cadre in cadres.values():
        directory.cadre_programme[cadre.pk] = cadre.programme_id
        district = district_id_of(cadre.posyandu)
        if district is not None:
            directory.cadre_district[cadre.pk] = district
        if cadre.user is not None and (RecipientRole.CADRE, cadre.pk) not in directory.languages:
            directory.languages[(RecipientRole.CADRE, cadre.pk)] = cadre.user.preferred_language
    cadre_facts = [
        planning.CadreFacts(
            recipient=planning.Recipient(
                RecipientRole.CADRE, cadre.pk, resolver.zone_of(cadre.posyandu)
            ),
            programme_id=cadre.programme_id,
        )
        for cadre in cadres.values()
    ]
    alerts = (
        danger_alerts.gather_alerts(
            window=window,
            withdrawn_mothers=directory.withdrawn_mothers,
            midwives_of=lambda mothers: _midwives_covering(mothers, directory, True),
            zone_of=lambda mother: resolver.zone_of(mother.posyandu),
            languages=directory.languages,
        )
        if alerting
        else []
    )
    return PlanningFacts(
        mothers=facts,
        certificates=certificates,
        cadres=cadre_facts,
        directory=directory,
        alerts=alerts,
    )


def rules_alert_danger_signs(rules: dict[int, tuple[planning.Rule, ...]]) -> bool:
    return any(rule.kind in DANGER_KINDS for rules_of in rules.values() for rule in rules_of)


def rules_need_midwife(rules: dict[int, tuple[planning.Rule, ...]]) -> bool:
    return any(
        rule.recipient_role == RecipientRole.MIDWIFE
        for rules_of in rules.values()
        for rule in rules_of
    )


def _load_preferences(directory: Directory) -> None:
    for preference in RecipientPreference.objects.all():
        if preference.mother_id:
            key = (RecipientRole.MOTHER, preference.mother_id)
        elif preference.family_member_id:
            key = (RecipientRole.FAMILY, preference.family_member_id)
        elif preference.cadre_id:
            key = (RecipientRole.CADRE, preference.cadre_id)
        else:
            key = (RecipientRole.MIDWIFE, preference.user_id)
        if preference.language:
            directory.languages[key] = preference.language
        if preference.opted_out_at is not None:
            directory.opted_out.add(key)


def _relevant_mother_ids(
    window: planning.Window, rules: dict[int, tuple[planning.Rule, ...]]
) -> set[int]:
    """Mothers who may have a reminder in `window`: pregnant in the antenatal weeks, with a
    scheduled session near the window, or delivered recently enough for day-based guidance."""
    start_day = (window.starts_at - MARGIN).date()
    end_day = (window.ends_at + MARGIN).date()
    earliest_zero = start_day - dt.timedelta(weeks=planning.POST_TERM_WEEKS)
    latest_zero = end_day - dt.timedelta(weeks=20)  # the earliest antenatal start week allowed
    full_term = dt.timedelta(days=FULL_TERM_DAYS)
    pregnant = Pregnancy.objects.filter(
        ~Exists(Delivery.objects.filter(pregnancy=OuterRef("pk")))
    ).filter(
        Q(last_menstrual_period__range=(earliest_zero, latest_zero))
        | Q(
            last_menstrual_period__isnull=True,
            estimated_delivery_date__range=(earliest_zero + full_term, latest_zero + full_term),
        )
    )
    ids = set(pregnant.values_list("mother_id", flat=True))
    largest_offset = max(
        (abs(rule.offset) for rules_of in rules.values() for rule in rules_of),
        default=dt.timedelta(0),
    )
    reach = MARGIN + largest_offset
    ids |= set(
        ScheduledSession.objects.filter(
            cancelled_at__isnull=True,
            window_ends_at__gte=window.starts_at - reach,
            window_starts_at__lte=window.ends_at + reach,
        ).values_list("mother_id", flat=True)
    )
    last_day = max(
        (
            rule.last_day or rule.first_day or 1
            for rules_of in rules.values()
            for rule in rules_of
            if rule.kind == ReminderKind.FEEDING_GUIDANCE
        ),
        default=0,
    )
    if last_day:
        ids |= set(
            Delivery.objects.filter(
                delivered_at__gte=window.starts_at - dt.timedelta(days=last_day) - MARGIN,
                delivered_at__lte=window.ends_at,
            ).values_list("pregnancy__mother_id", flat=True)
        )
    return ids


def _latest_pregnancies(mother_ids: set[int]) -> dict[int, Pregnancy]:
    latest: dict[int, Pregnancy] = {}
    for pregnancy in Pregnancy.objects.filter(mother_id__in=mother_ids).order_by(
        "created_at", "pk"
    ):
        latest[pregnancy.mother_id] = pregnancy
    return latest


def _latest_deliveries(mother_ids: set[int]) -> dict[int, Delivery]:
    latest: dict[int, Delivery] = {}
    deliveries = Delivery.objects.filter(pregnancy__mother_id__in=mother_ids).select_related(
        "pregnancy"
    )
    for delivery in deliveries.order_by("delivered_at", "pk"):
        latest[delivery.pregnancy.mother_id] = delivery
    return latest


def _delivered(pregnancy: Pregnancy, deliveries: dict[int, Delivery]) -> bool:
    delivery = deliveries.get(pregnancy.mother_id)
    return delivery is not None and delivery.pregnancy_id == pregnancy.pk


def _sessions(mother_ids: set[int]) -> dict[int, list[planning.Session]]:
    rows = (
        # A session skipped with its reason (she declined, was unwell) is neither reminded of
        # nor escalated as missed: declining is recorded, not referred (issue 19).
        ScheduledSession.objects.filter(
            mother_id__in=mother_ids, cancelled_at__isnull=True, skipped_at__isnull=True
        )
        .annotate(done=Exists(MassageSession.objects.filter(scheduled_session=OuterRef("pk"))))
        .order_by("window_starts_at", "pk")
    )
    sessions: dict[int, list[planning.Session]] = defaultdict(list)
    for row in rows:
        sessions[row.mother_id].append(
            planning.Session(
                id=row.pk,
                public_id=str(row.public_id),
                postpartum_day=row.postpartum_day,
                slot=row.slot,
                starts_at=row.window_starts_at,
                ends_at=row.window_ends_at,
                done=row.done,
            )
        )
    return sessions


def _midwives_covering(
    mothers: list[Mother], directory: Directory, wanted: bool
) -> dict[int, list[int]]:
    """The active midwives whose areas cover each mother's posyandu (the scope of
    regions.selectors.within_areas_q), for the mothers who may need an escalation."""
    if not mothers or not wanted:
        return {}
    ancestor_ids = {
        int(part)
        for mother in mothers
        for part in mother.posyandu.path.strip("/").split("/")
        if part
    }
    midwives = (
        User.objects.filter(role=Role.MIDWIFE, is_active=True, areas__in=ancestor_ids)
        .distinct()
        .prefetch_related("areas")
    )
    covering: dict[int, list[int]] = defaultdict(list)
    mother_ids = [mother.pk for mother in mothers]
    for midwife in midwives:
        directory.languages.setdefault(
            (RecipientRole.MIDWIFE, midwife.pk), midwife.preferred_language
        )
        covered = Mother.objects.filter(pk__in=mother_ids).filter(
            within_areas_q(midwife.areas.all(), lookup="posyandu")
        )
        for mother_id in covered.values_list("pk", flat=True):
            covering[mother_id].append(midwife.pk)
    return covering


def _certificates(
    window: planning.Window,
    rules: dict[int, tuple[planning.Rule, ...]],
    resolver: ZoneResolver,
    cadres: dict[int, Cadre],
) -> list[planning.CertificateFacts]:
    refreshers = [
        rule
        for rules_of in rules.values()
        for rule in rules_of
        if rule.kind == ReminderKind.CERTIFICATE_REFRESHER
    ]
    if not refreshers:
        return []
    start_day = (window.starts_at - MARGIN).date()
    end_day = (window.ends_at + MARGIN).date()
    later = Certificate.objects.filter(
        cadre=OuterRef("cadre"), expires_on__gt=OuterRef("expires_on"), revoked_on__isnull=True
    )
    certificates = (
        Certificate.objects.filter(revoked_on__isnull=True)
        .filter(_refresher_may_fall_between(start_day, end_day, refreshers))
        .exclude(Exists(later))
        .select_related("cadre__posyandu", "cadre__user")
    )
    facts = []
    for certificate in certificates:
        cadre = certificate.cadre
        cadres.setdefault(cadre.pk, cadre)
        facts.append(
            planning.CertificateFacts(
                id=certificate.pk,
                public_id=str(certificate.public_id),
                programme_id=cadre.programme_id,
                cadre=planning.Recipient(
                    RecipientRole.CADRE, cadre.pk, resolver.zone_of(cadre.posyandu)
                ),
                expires_on=certificate.expires_on,
                refresher_due_on=certificate.refresher_due_on,
            )
        )
    return facts


def _refresher_may_fall_between(
    start_day: dt.date, end_day: dt.date, refreshers: list[planning.Rule]
) -> Q:
    """Certificates with a refresher reminder on a day from `start_day` to `end_day` (and a few
    more: planning keeps only those in its window).

    A refresher reminder falls on the certificate's refresher date or `lead_days` before it
    expires, whichever is earlier, and with `every_days` again every so many days until it
    expires (planning._refresher_reminders). The refresher date is months before expiry, so
    the first day is found from either date, never from the expiry date alone."""
    leads = [dt.timedelta(days=rule.lead_days or 0) for rule in refreshers]
    first_day_between = Q(refresher_due_on__range=(start_day, end_day)) | Q(
        expires_on__range=(start_day + min(leads), end_day + max(leads))
    )
    if not any(rule.every_days for rule in refreshers):
        return first_day_between
    repeated_into = Q(expires_on__gt=start_day) & (
        Q(refresher_due_on__lte=end_day) | Q(expires_on__lte=end_day + max(leads))
    )
    return first_day_between | repeated_into
