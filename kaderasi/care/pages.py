"""What the care pages show, assembled from the scoped selectors (reads only)."""

import datetime as dt
from decimal import Decimal

from django.templatetags.static import static
from django.utils import timezone

from kaderasi.accounts.models import User
from kaderasi.care import charts
from kaderasi.care.consent import processing_allowed
from kaderasi.care.forms import VillageFilterForm
from kaderasi.care.models import (
    ConsentSubject,
    DangerSign,
    DangerSignGroup,
    FlagRule,
    MassageStep,
    MeasurementKind,
    Mother,
    SessionStatus,
)
from kaderasi.care.references import milk_reference_ranges
from kaderasi.care.timeline import (
    GUIDANCE,
    Timeline,
    live_sessions_of,
    mother_timeline,
    session_views,
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


def timeline_context(mother: Mother, *, user: User, now: dt.datetime) -> dict:
    """The mother's page, and what `user` may do on it (a session needs a delivery and consent)."""
    timeline = mother_timeline(mother, now=now)
    allowed = processing_allowed(mother, ConsentSubject.MOTHER)
    return {
        "mother": mother,
        "timeline": timeline,
        "processing_allowed": allowed,
        "can_session": can(user, Permission.RECORD_SESSION)
        and timeline.delivery is not None
        and allowed,
        "can_record": can(user, Permission.RECORD_MEASUREMENT),
        "can_register": can(user, Permission.REGISTER_MOTHER),
        "can_handle": can(user, Permission.HANDLE_REFERRAL),
        "milk_chart": _milk_chart(timeline),
        "weight_chart": _weight_chart(timeline),
        "guidance": GUIDANCE,
        "postpartum_day": (
            postpartum_day(timeline.delivery.delivered_at, now) if timeline.delivery else None
        ),
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
        "guidance": GUIDANCE,
        "now_local": timezone.localtime(now),
    }
