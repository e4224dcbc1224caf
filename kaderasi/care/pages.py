"""What the care pages show, assembled from the scoped selectors (reads only)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.templatetags.static import static
from django.utils import timezone

from kaderasi.accounts.models import User
from kaderasi.care import charts
from kaderasi.care.consent import processing_allowed
from kaderasi.care.contacts import Contact, contacts_of_users, midwives_of
from kaderasi.care.forms import VillageFilterForm
from kaderasi.care.models import (
    ConsentSubject,
    DangerSign,
    DangerSignGroup,
    DangerSignReport,
    Delivery,
    FlagRule,
    MassageStep,
    MeasurementKind,
    Mother,
    Referral,
    SessionStatus,
)
from kaderasi.care.protocol_notes import is_last_session, protocol_notes
from kaderasi.care.references import milk_reference_ranges
from kaderasi.care.selectors import flags_of_referral
from kaderasi.care.services.schedule import first_massage_wait
from kaderasi.care.stops import MassageStop, massage_stops_of
from kaderasi.care.timeline import (
    GUIDANCE,
    Timeline,
    live_sessions_of,
    mother_timeline,
    session_views,
    sign_texts,
)
from kaderasi.care.timing import postpartum_day
from kaderasi.care.village_list import (
    DEFAULT_SORT,
    SORTS,
    STAGE_FILTERS,
    VillageFilters,
    village_list,
    villages_of,
)
from kaderasi.core.policies import Permission, can


def village_list_context(user: User, params, *, now: dt.datetime) -> dict:
    """The midwife's list: the filter form bound to `params` (a QueryDict) and the page."""
    villages = list(villages_of(user))
    form = VillageFilterForm(params, stages=STAGE_FILTERS, villages=villages, sorts=SORTS)
    data = form.cleaned_data if form.is_valid() else {}
    filters = VillageFilters(
        stage=data.get("stage") or "all",
        village=data.get("village"),
        flagged_only=bool(data.get("flagged")),
        unpaired_only=bool(data.get("unpaired")),
        search=data.get("q") or "",
        sort=data.get("sort") or DEFAULT_SORT,
    )
    page = village_list(user, filters=filters, now=now, page_number=params.get("page", 1))
    query = params.copy()
    query.pop("page", None)
    query.pop("sort", None)
    return {
        "filter_form": form,
        "filters": filters,
        "page": page,
        "rows": page.object_list,
        "query": query.urlencode(),
        "sort": filters.sort,
    }


@dataclass(frozen=True)
class StopNotice:
    """A stop shown on a screen: what was reported, the cadre's note and who reported it, and
    the midwives to call (the one acting on the referral first)."""

    stop: MassageStop
    signs: list[str]
    midwives: list[Contact]
    reporter: Contact | None

    @property
    def referral(self) -> Referral:
        return self.stop.referral


def stop_notices(mothers: list[Mother]) -> dict[int, StopNotice]:
    """Mother pk → her stop as the screens show it, for those of `mothers` whose massage is
    stopped (the definition is care.stops); a fixed number of queries for the list."""
    stops = massage_stops_of(mother.pk for mother in mothers)
    if not stops:
        return {}
    texts = sign_texts()
    midwives = midwives_of(mother for mother in mothers if mother.pk in stops)
    reporters = contacts_of_users(stop.reported_by for stop in stops.values())
    acting = contacts_of_users(
        User.objects.filter(pk__in=[stop.referral.acknowledged_by_id for stop in stops.values()])
    )
    notices = {}
    for mother_pk, stop in stops.items():
        covering = midwives.get(mother_pk, [])
        first = acting.get(stop.referral.acknowledged_by_id)
        if first is not None and first.phone:
            covering = [first, *(contact for contact in covering if contact != first)]
        notices[mother_pk] = StopNotice(
            stop=stop,
            signs=[texts.get(code, code) for code in stop.signs],
            midwives=covering,
            reporter=reporters.get(stop.reported_by.pk) if stop.reported_by else None,
        )
    return notices


@dataclass(frozen=True)
class DangerNote:
    """A danger-sign check as the midwife reads it: the signs, the cadre's note and how to reach
    the person who reported it (None when she is the reader, or nobody is recorded)."""

    report: DangerSignReport
    signs: list[str]
    reporter: Contact | None
    reported_by_reader: bool


def danger_notes(
    reports: list[DangerSignReport], *, reader: User, texts: dict[str, str] | None = None
) -> list[DangerNote]:
    texts = sign_texts() if texts is None else texts
    contacts = contacts_of_users(
        User.objects.filter(pk__in={r.recorded_by_id for r in reports if r.recorded_by_id})
    )
    return [
        DangerNote(
            report=report,
            signs=[texts.get(code, code) for code in report.signs],
            reporter=contacts.get(report.recorded_by_id),
            reported_by_reader=report.recorded_by_id == reader.pk,
        )
        for report in reports
    ]


def referral_danger_notes(referral: Referral, *, reader: User) -> list[DangerNote]:
    """The danger-sign checks behind `referral` (its flag and the later ones it gathered), oldest
    first, with the cadre's notes and her number."""
    flags = flags_of_referral(referral).select_related("danger_sign_report")
    reports = [flag.danger_sign_report for flag in flags if flag.danger_sign_report is not None]
    return danger_notes(reports, reader=reader)


def timeline_context(mother: Mother, *, user: User, now: dt.datetime) -> dict:
    """The mother's page, and what `user` may do on it (a session needs a delivery and consent,
    and no danger sign stopping the massage)."""
    timeline = mother_timeline(mother, now=now)
    allowed = processing_allowed(mother, ConsentSubject.MOTHER)
    stop = stop_notices([mother]).get(mother.pk)
    may_record_session = (
        can(user, Permission.RECORD_SESSION) and timeline.delivery is not None and allowed
    )
    texts = sign_texts()
    return {
        "mother": mother,
        "timeline": timeline,
        "processing_allowed": allowed,
        "stop": stop,
        "can_session": may_record_session and stop is None,
        "can_record_milk": may_record_session,
        "danger_notes": danger_notes(
            [report for report, _signs in timeline.danger_checks], reader=user, texts=texts
        ),
        "can_record": can(user, Permission.RECORD_MEASUREMENT),
        "can_register": can(user, Permission.REGISTER_MOTHER),
        "can_handle": can(user, Permission.HANDLE_REFERRAL),
        "can_export_record": can(user, Permission.EXPORT_MOTHER_RECORD),
        "milk_chart": _milk_chart(timeline),
        "weight_chart": _weight_chart(timeline),
        "latch_chart": _latch_chart(timeline),
        "guidance": GUIDANCE,
        "postpartum_day": (
            postpartum_day(timeline.delivery.delivered_at, now) if timeline.delivery else None
        ),
        "offer_latch": _latch_days_running(mother, timeline, now=now),
        "protocol": protocol_notes(mother, delivery=timeline.delivery, now=now),
    }


def _continuous_day(timeline: Timeline, moment: dt.datetime) -> float:
    hours = (moment - timeline.delivery.delivered_at).total_seconds() / 3600
    return 1 + hours / 24


def _milk_chart(timeline: Timeline) -> str | None:
    points = [
        charts.Point(
            _continuous_day(timeline, view.measurement.measured_at),
            float(view.measurement.value),
            view.measurement.basis,
        )
        for view in timeline.measurements
        if view.measurement.kind == MeasurementKind.MILK_VOLUME and timeline.delivery
    ]
    if not points:
        return None
    return charts.milk_volume_chart(points, milk_reference_ranges())


def _weight_chart(timeline: Timeline) -> str | None:
    points = [
        charts.Point(
            _continuous_day(timeline, view.measurement.measured_at),
            float(view.weight_change_percent),
        )
        for view in timeline.measurements
        if view.weight_change_percent is not None and timeline.delivery
    ]
    if not points:
        return None
    rules = dict(
        FlagRule.objects.filter(
            code__in=["infant_weight_loss_review", "infant_weight_loss_referral"], is_active=True
        ).values_list("code", "parameters")
    )
    return charts.weight_change_chart(
        points,
        review_percent=_threshold(rules.get("infant_weight_loss_review"), "loss_percent_above"),
        referral_percent=_threshold(
            rules.get("infant_weight_loss_referral"), "loss_percent_at_least"
        ),
    )


def _latch_days_running(mother: Mother, timeline: Timeline, *, now: dt.datetime) -> bool:
    """The LATCH observation is offered on the massage days (Pandes: postpartum days 1-3), when
    a poor latch is helped soonest."""
    if timeline.delivery is None:
        return False
    programme = mother.programme
    last_day = programme.start_postpartum_day + programme.protocol_days - 1
    return postpartum_day(timeline.delivery.delivered_at, now) <= last_day


def _latch_chart(timeline: Timeline) -> str | None:
    """The LATCH totals by postpartum day, with the active rule's review line."""
    if timeline.delivery is None or not timeline.latch_observations:
        return None
    points = [
        charts.Point(_continuous_day(timeline, row.observed_at), float(row.total))
        for row in timeline.latch_observations
    ]
    parameters = (
        FlagRule.objects.filter(code="latch_score_low", is_active=True)
        .values_list("parameters", flat=True)
        .first()
    )
    return charts.latch_chart(points, review_at_most=_threshold(parameters, "total_at_most"))


def _threshold(parameters: dict | None, key: str) -> float | None:
    try:
        return float(Decimal(str(parameters[key])))
    except (TypeError, KeyError, ArithmeticError, ValueError):
        return None


def guided_session_context(mother: Mother, *, now: dt.datetime) -> dict:
    """Everything the guided session needs to run in the browser without the server: the steps
    with their drawings, the stop-and-refer questions, and the protocol's minutes."""
    programme = mother.programme
    steps = list(MassageStep.objects.filter(is_active=True).order_by("number"))
    questions = list(
        DangerSign.objects.filter(group=DangerSignGroup.BEFORE_MASSAGE, is_active=True).order_by(
            "order"
        )
    )
    views = session_views(
        live_sessions_of(mother), sessions_per_day=programme.sessions_per_day, now=now
    )
    current = next((v for v in views if v.status == SessionStatus.DUE), None)
    upcoming = next((v for v in views if v.status == SessionStatus.UPCOMING), None)
    handover, first_massage_wait_notes = _protocol_at_session(mother, current or upcoming, now=now)
    config = {
        "minutesMin": programme.session_minutes_min,
        "minutesMax": programme.session_minutes_max,
        "timedSteps": [step.number for step in steps if step.timed],
    }
    return {
        "steps": steps,
        "illustrations": {
            step.number: static(f"care/img/{step.illustration}.svg") for step in steps
        },
        "questions": questions,
        "config": config,
        "min_mark_percent": round(
            100 * programme.session_minutes_min / programme.session_minutes_max
        ),
        "session_view": current or upcoming,
        "handover": handover,
        "first_massage_wait": first_massage_wait_notes,
        "stop": stop_notices([mother]).get(mother.pk),
        "guidance": GUIDANCE,
        "now_local": timezone.localtime(now),
    }


def _protocol_at_session(mother: Mother, view, *, now: dt.datetime):
    """The protocol notes the guided session shows: at the cadre's last session the midwife's
    visits that follow (KF2/KN2), and while the first massage may not be given yet, why.
    Returns (handover, first_massage_wait), each the notes or None."""
    delivery = Delivery.objects.filter(pregnancy__mother=mother).order_by("-delivered_at").first()
    notes = protocol_notes(mother, delivery=delivery, now=now)
    if notes is None:
        return None, None
    last = view is not None and is_last_session(view.row)
    handover = notes if last and notes.handover else None
    waiting = first_massage_wait(mother.programme, delivery, now=now) is not None
    return handover, notes if waiting else None
