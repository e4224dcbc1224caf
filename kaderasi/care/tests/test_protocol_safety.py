"""Issue 19: the protocol starts when it is safe, a refusal is recorded (not referred), and the
rules a Buku KIA-trained midwife expects: low birth weight or preterm, no urine, milk not in by
72 hours, a birth outcome that stops the schedule, the handover to KF2/KN2."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from kaderasi.care import flag_rules, scheduling, services
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.flag_rules import (
    BirthFacts,
    MeasurementFacts,
    MilkOnsetFacts,
    RefusalFacts,
    RuleSetting,
)
from kaderasi.care.models import (
    BirthOutcome,
    CancelReason,
    Delivery,
    Flag,
    FlagRule,
    MeasurementKind,
    Referral,
    ScheduledSession,
    SessionStatus,
    SkipReason,
)
from kaderasi.care.services.protocol import (
    delivery_followup_record,
    milk_onset_record,
    scheduled_session_skip,
)
from kaderasi.care.tests.factories import WIB, at, delivered, session
from kaderasi.core.errors import DomainError
from kaderasi.programmes.models import Programme
from kaderasi.reports.tests.mother_rows_by_person import session_tally

HOUR = dt.timedelta(hours=1)

LBW = RuleSetting(
    "low_birth_weight_or_preterm",
    "amber",
    {"birth_weight_below_g": 2500, "gestational_weeks_below": 37},
)
WEIGHT_RED = RuleSetting("infant_weight_loss_referral", "red", {"loss_percent_at_least": 10})
WEIGHT_AMBER = RuleSetting("infant_weight_loss_review", "amber", {"loss_percent_above": 7})
NO_URINE = RuleSetting("no_urine_12_hours", "red", {"hours": 12})
NAPPIES = RuleSetting(
    "wet_nappies_below_day_of_life", "red", {"from_day": 3, "expected_at_most": 6}
)
REFUSAL = RuleSetting("repeated_refusal", "amber", {"refusals_at_least": 2})
MILK = RuleSetting("milk_not_in_by_72_hours", "amber", {"hours": 72})


# The first massage: pure timing


def test_with_the_postnatal_check_not_required_the_first_massage_waits_the_programme_hours():
    first = scheduling.first_massage_not_before(
        delivered_at=at(9, 9),
        min_hours=6,
        after_postnatal_check=False,
        postnatal_check_at=None,
    )
    assert first == scheduling.FirstMassage(
        at(9, 15), scheduling.FirstMassageWait.HOURS_AFTER_BIRTH, 6
    )


def test_a_required_postnatal_check_not_recorded_keeps_the_first_massage_waiting():
    first = scheduling.first_massage_not_before(
        delivered_at=at(9, 9), min_hours=6, after_postnatal_check=True, postnatal_check_at=None
    )
    assert first.not_before is None
    assert first.reason == scheduling.FirstMassageWait.POSTNATAL_CHECK_NOT_RECORDED


def test_the_first_massage_waits_for_the_later_of_the_hours_and_the_postnatal_check():
    late_check = scheduling.first_massage_not_before(
        delivered_at=at(9, 9), min_hours=6, after_postnatal_check=True, postnatal_check_at=at(9, 18)
    )
    early_check = scheduling.first_massage_not_before(
        delivered_at=at(9, 9), min_hours=6, after_postnatal_check=True, postnatal_check_at=at(9, 11)
    )
    assert (late_check.not_before, late_check.reason) == (
        at(9, 18),
        scheduling.FirstMassageWait.POSTNATAL_CHECK,
    )
    assert (early_check.not_before, early_check.reason) == (
        at(9, 15),
        scheduling.FirstMassageWait.HOURS_AFTER_BIRTH,
    )


def test_no_window_opens_before_the_first_massage_may_be_given():
    # Born at 09:00: the morning window of that day (06:00-13:30) would open at the birth.
    planned = scheduling.derive_schedule(
        delivered_at=at(9, 9),
        sessions_per_day=2,
        protocol_days=3,
        start_postpartum_day=1,
        time_zone=WIB,
        not_before=at(9, 15),
    )
    assert [(p.postpartum_day, p.slot, p.window_starts_at, p.window_ends_at) for p in planned] == [
        (1, 2, at(9, 15), at(9, 21)),
        (1, 1, at(10, 6), at(10, 9)),
        (2, 1, at(10, 9), at(10, 13, 30)),
        (2, 2, at(10, 13, 30), at(10, 21)),
        (3, 1, at(11, 9), at(11, 13, 30)),
        (3, 2, at(11, 13, 30), at(11, 21)),
    ]
    assert min(p.window_starts_at for p in planned) >= at(9, 15)


def test_a_slot_with_no_time_left_after_the_first_massage_may_be_given_is_dropped():
    planned = scheduling.derive_schedule(
        delivered_at=at(9, 9),
        sessions_per_day=2,
        protocol_days=1,
        start_postpartum_day=1,
        time_zone=WIB,
        not_before=at(10, 8),
    )
    assert [(p.slot, p.window_starts_at, p.window_ends_at) for p in planned] == [
        (1, at(10, 8), at(10, 9))
    ]


# Skipped sessions: status and adherence


def test_a_skipped_session_is_skipped_not_missed_and_adherence_does_not_count_it_as_due():
    status = scheduling.session_status(
        window_starts_at=at(9, 6), window_ends_at=at(9, 13), now=at(10, 9), done=False, skipped=True
    )
    assert status == SessionStatus.SKIPPED
    counted = scheduling.adherence(
        [SessionStatus.DONE, SessionStatus.SKIPPED, SessionStatus.MISSED, SessionStatus.DUE]
    )
    assert (counted.done, counted.due, counted.skipped, counted.percent) == (1, 2, 1, 50)


def test_a_session_done_after_a_refusal_counts_as_done():
    status = scheduling.session_status(
        window_starts_at=at(9, 6), window_ends_at=at(9, 13), now=at(10, 9), done=True, skipped=True
    )
    assert status == SessionStatus.DONE


# The rules, pure


def test_one_refusal_raises_nothing_and_the_rule_s_count_raises_the_amber_rule():
    assert flag_rules.evaluate([REFUSAL], [RefusalFacts(refusals=1)]) == []
    assert flag_rules.evaluate([REFUSAL], [RefusalFacts(refusals=2)]) == [
        flag_rules.Finding("repeated_refusal", {"refusals": 2, "refusals_at_least": 2.0})
    ]


@pytest.mark.parametrize(
    ("birth_weight_g", "weeks", "expected"),
    [
        (2499, 39, {"birth_weight_g": 2499, "birth_weight_below_g": 2500.0}),
        (2500, 37, None),
        (3000, 36, {"gestational_weeks": 36, "gestational_weeks_below": 37.0}),
        (None, None, None),
    ],
)
def test_low_birth_weight_is_below_2500_g_and_preterm_before_37_weeks(
    birth_weight_g, weeks, expected
):
    detail = flag_rules.low_birth_weight_or_preterm(
        LBW.parameters, BirthFacts(birth_weight_g=birth_weight_g, gestational_weeks=weeks)
    )
    assert detail == expected


def test_the_term_baby_weight_thresholds_are_not_applied_to_a_low_birth_weight_baby():
    small = MeasurementFacts("infant_weight", Decimal(2000), 3, birth_weight_g=2400)
    assert flag_rules.evaluate([LBW, WEIGHT_RED, WEIGHT_AMBER], [small]) == []


def test_the_term_baby_weight_thresholds_are_not_applied_to_a_preterm_baby():
    preterm = MeasurementFacts(
        "infant_weight", Decimal(2600), 3, birth_weight_g=3000, gestational_weeks=35
    )
    assert flag_rules.evaluate([LBW, WEIGHT_RED, WEIGHT_AMBER], [preterm]) == []


def test_a_term_baby_of_normal_weight_keeps_the_weight_thresholds():
    term = MeasurementFacts(
        "infant_weight", Decimal(2650), 3, birth_weight_g=3000, gestational_weeks=39
    )
    [finding] = flag_rules.evaluate([LBW, WEIGHT_RED, WEIGHT_AMBER], [term])
    assert finding.code == "infant_weight_loss_referral"


def test_a_bak_count_of_zero_is_no_urine_for_12_hours_on_any_day_of_life():
    first_day = MeasurementFacts("wet_nappies", Decimal(0), 1)
    assert flag_rules.evaluate([NO_URINE, NAPPIES], [first_day]) == [
        flag_rules.Finding(
            "no_urine_12_hours", {"hours_without_urine_at_least": 24.0, "hours": 12.0}
        )
    ]
    # On day 3 the same count is judged once: no urine, not also "fewer than the day of life".
    third_day = MeasurementFacts("wet_nappies", Decimal(0), 3)
    assert [f.code for f in flag_rules.evaluate([NO_URINE, NAPPIES], [third_day])] == [
        "no_urine_12_hours"
    ]
    assert flag_rules.evaluate([NO_URINE], [MeasurementFacts("wet_nappies", Decimal(1), 1)]) == []


@pytest.mark.parametrize(
    ("came_in", "not_in", "fires"),
    [
        (None, Decimal(73), True),
        (None, Decimal(60), False),
        (Decimal(50), None, False),
        (Decimal(80), None, True),
        (None, None, False),
    ],
)
def test_milk_not_in_by_72_hours(came_in, not_in, fires):
    facts = MilkOnsetFacts(came_in_after_hours=came_in, not_in_at_hours=not_in)
    assert bool(flag_rules.evaluate([MILK], [facts])) is fires


def test_the_new_rules_parameters_are_checked_like_every_rule():
    assert flag_rules.parameters_problem("repeated_refusal", {"refusals_at_least": 2}) is None
    assert flag_rules.parameters_problem("no_urine_12_hours", {}) is not None


# The handover to KF2 / KN2


def test_the_postnatal_visits_after_the_protocol_are_placed_by_postpartum_day():
    visits = scheduling.postnatal_visits(
        at(9, 9),
        [
            {"code": "KF2", "subject": "mother", "from_day": 3, "to_day": 7},
            {"code": "KN2", "subject": "infant", "from_day": 3, "to_day": 7},
            {"code": "broken"},
        ],
    )
    assert [(v.code, v.starts_at, v.ends_at) for v in visits] == [
        ("KF2", at(11, 9), at(16, 9)),
        ("KN2", at(11, 9), at(16, 9)),
    ]


# Services


@pytest.fixture
def safe_programme(world):
    """The world's programme with the model's defaults: 6 hours, and KF1 first."""
    programme = world.programme
    programme.first_massage_min_hours = 6
    programme.first_massage_after_postnatal_check = True
    programme.save()
    return programme


def _live(mother):
    return list(
        ScheduledSession.objects.filter(mother=mother, cancelled_at__isnull=True).order_by(
            "window_starts_at"
        )
    )


@pytest.mark.django_db
def test_the_model_proposes_six_hours_and_the_postnatal_check_first(world):
    fresh = Programme(slug="x", name="x", area=world.programme.area, starts_on=dt.date(2026, 1, 1))
    assert (fresh.first_massage_min_hours, fresh.first_massage_after_postnatal_check) == (6, True)
    assert "WHO" in fresh.first_massage_timing_source
    assert "Proposal" in fresh.first_massage_timing_source


@pytest.mark.django_db
def test_no_massage_is_due_before_the_postnatal_check_is_recorded(world, safe_programme):
    mother = delivered(
        programme=safe_programme, posyandu=world.mawar, delivered_at=at(9, 9), now=at(9, 10)
    )
    assert _live(mother) == []
    delivery = Delivery.objects.get(pregnancy__mother=mother)
    delivery_followup_record(
        delivery=delivery,
        first_postnatal_check_at=at(9, 17),
        gestational_age_weeks=None,
        birth_outcome="",
        birth_outcome_at=None,
        now=at(9, 17, 30),
    )
    rows = _live(mother)
    assert [(r.postpartum_day, r.slot, r.window_starts_at) for r in rows][:2] == [
        (1, 2, at(9, 17)),
        (1, 1, at(10, 6)),
    ]
    assert min(r.window_starts_at for r in rows) >= at(9, 15)


@pytest.mark.django_db
def test_without_the_postnatal_check_option_the_first_window_opens_six_hours_after_birth(world):
    programme = world.programme
    programme.first_massage_min_hours = 6
    programme.save()
    mother = delivered(
        programme=programme, posyandu=world.mawar, delivered_at=at(9, 9), now=at(9, 10)
    )
    assert _live(mother)[0].window_starts_at == at(9, 15)


@pytest.fixture
def mother(world):
    return delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 23, 30), now=at(9, 5)
    )


@pytest.mark.django_db
def test_a_refusal_is_recorded_and_raises_no_flag(mother, cadre_user):
    first = _live(mother)[0]
    skipped = scheduled_session_skip(
        scheduled_session=first,
        reason=SkipReason.MOTHER_DECLINES,
        note="",
        by=cadre_user,
        now=at(9, 8),
    )
    assert (skipped.skipped_at, skipped.skip_reason, skipped.skipped_by) == (
        at(9, 8),
        SkipReason.MOTHER_DECLINES,
        cadre_user,
    )
    assert not Flag.objects.filter(mother=mother).exists()
    assert not Referral.objects.filter(mother=mother).exists()


@pytest.mark.django_db
def test_a_skipped_session_is_not_flagged_as_missed(mother):
    first = _live(mother)[0]
    scheduled_session_skip(
        scheduled_session=first, reason=SkipReason.MOTHER_UNWELL, note="", by=None, now=at(9, 8)
    )
    services.schedule_sweep(now=first.window_ends_at + 3 * HOUR)
    assert not Flag.objects.filter(scheduled_session=first).exists()
    assert not Flag.objects.filter(mother=mother, rule__code="missed_session").exists()


@pytest.mark.django_db
def test_a_repeated_refusal_asks_the_midwife_with_the_amber_rule(mother):
    first, second = _live(mother)[:2]
    for row in (first, second):
        scheduled_session_skip(
            scheduled_session=row,
            reason=SkipReason.MOTHER_DECLINES,
            note="",
            by=None,
            now=row.window_starts_at,
        )
    [flag] = Flag.objects.filter(mother=mother)
    assert (flag.rule.code, flag.severity, flag.detail, flag.scheduled_session) == (
        "repeated_refusal",
        "amber",
        {"refusals": 2, "refusals_at_least": 2.0},
        second,
    )
    assert flag.referral.status == "open"


@pytest.mark.django_db
def test_a_refusal_rule_switched_off_raises_nothing(mother):
    FlagRule.objects.filter(code="repeated_refusal").update(is_active=False)
    for row in _live(mother)[:3]:
        scheduled_session_skip(
            scheduled_session=row,
            reason=SkipReason.MOTHER_DECLINES,
            note="",
            by=None,
            now=at(9, 8),
        )
    assert not Flag.objects.filter(mother=mother).exists()


@pytest.mark.django_db
def test_skipping_for_another_reason_needs_a_note(mother):
    first = _live(mother)[0]
    with pytest.raises(DomainError) as refused:
        scheduled_session_skip(
            scheduled_session=first, reason=SkipReason.OTHER, note="  ", by=None, now=at(9, 8)
        )
    assert (refused.value.code, refused.value.field) == (CareErrorCode.SKIP_NOTE_REQUIRED, "note")
    first.refresh_from_db()
    assert first.skipped_at is None


@pytest.mark.django_db
def test_a_session_done_or_skipped_already_cannot_be_skipped(mother):
    first, second = _live(mother)[:2]
    session(mother, first.window_starts_at + HOUR, now=at(9, 8))
    with pytest.raises(DomainError) as done:
        scheduled_session_skip(
            scheduled_session=first,
            reason=SkipReason.MOTHER_DECLINES,
            note="",
            by=None,
            now=at(9, 9),
        )
    assert done.value.code == CareErrorCode.SESSION_ALREADY_DONE
    scheduled_session_skip(
        scheduled_session=second, reason=SkipReason.MOTHER_UNWELL, note="", by=None, now=at(9, 9)
    )
    with pytest.raises(DomainError) as twice:
        scheduled_session_skip(
            scheduled_session=second,
            reason=SkipReason.MOTHER_UNWELL,
            note="",
            by=None,
            now=at(9, 9),
        )
    assert twice.value.code == CareErrorCode.SESSION_ALREADY_SKIPPED


@pytest.mark.django_db
def test_an_unknown_reason_is_refused_on_its_field(mother):
    with pytest.raises(DomainError) as refused:
        scheduled_session_skip(
            scheduled_session=_live(mother)[0], reason="bored", note="", by=None, now=at(9, 8)
        )
    assert (refused.value.code, refused.value.field) == (
        CareErrorCode.SKIP_REASON_UNKNOWN,
        "reason",
    )


@pytest.mark.django_db
def test_a_birth_outcome_stops_the_schedule_and_asks_the_midwife_to_visit(mother):
    before = [(r.postpartum_day, r.slot) for r in _live(mother)]
    delivery = Delivery.objects.get(pregnancy__mother=mother)
    delivery_followup_record(
        delivery=delivery,
        first_postnatal_check_at=None,
        gestational_age_weeks=None,
        birth_outcome=BirthOutcome.NEONATAL_DEATH,
        birth_outcome_at=at(10, 10),
        now=at(10, 11),
    )
    kept = [(r.postpartum_day, r.slot) for r in _live(mother)]
    # Windows already over by 10:10 on the 10th stay as history; every later one is cancelled.
    assert kept == before[:2]
    cancelled = ScheduledSession.objects.filter(mother=mother, cancelled_at__isnull=False)
    assert set(cancelled.values_list("cancel_reason", flat=True)) == {CancelReason.BIRTH_OUTCOME}
    assert cancelled.count() == len(before) - 2
    [flag] = Flag.objects.filter(mother=mother)
    assert (flag.rule.code, flag.detail) == ("birth_outcome", {"outcome": "neonatal_death"})
    # The sweep, running every minute, plans nothing back.
    services.schedule_sweep(now=at(10, 12))
    assert [(r.postpartum_day, r.slot) for r in _live(mother)] == kept


@pytest.mark.django_db
def test_a_birth_outcome_time_before_the_birth_is_refused(mother):
    with pytest.raises(DomainError) as refused:
        delivery_followup_record(
            delivery=Delivery.objects.get(pregnancy__mother=mother),
            first_postnatal_check_at=None,
            gestational_age_weeks=None,
            birth_outcome=BirthOutcome.STILLBIRTH,
            birth_outcome_at=at(8, 10),
            now=at(9, 11),
        )
    assert (refused.value.code, refused.value.field) == (
        CareErrorCode.BIRTH_OUTCOME_TIME_INVALID,
        "birth_outcome_at",
    )


@pytest.mark.django_db
def test_a_time_refused_as_before_the_birth_names_the_birth_in_local_time(mother):
    delivery = Delivery.objects.get(pregnancy__mother=mother)
    with pytest.raises(DomainError) as refused:
        delivery_followup_record(
            delivery=delivery,
            first_postnatal_check_at=at(8, 10),
            gestational_age_weeks=None,
            birth_outcome="",
            birth_outcome_at=None,
            now=at(9, 11),
        )
    assert refused.value.code == CareErrorCode.POSTNATAL_CHECK_BEFORE_BIRTH
    assert "(2026-11-08 23:30)" in str(refused.value.message)


@pytest.mark.django_db
def test_a_postnatal_check_in_the_future_is_refused(mother):
    with pytest.raises(DomainError) as refused:
        delivery_followup_record(
            delivery=Delivery.objects.get(pregnancy__mother=mother),
            first_postnatal_check_at=at(11, 10),
            gestational_age_weeks=None,
            birth_outcome="",
            birth_outcome_at=None,
            now=at(9, 11),
        )
    assert refused.value.code == CareErrorCode.POSTNATAL_CHECK_IN_FUTURE


@pytest.mark.django_db
def test_the_sweep_asks_the_midwife_once_about_a_low_birth_weight_baby(world):
    small = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(9, 9),
        now=at(9, 10),
        birth_weight_g=2300,
    )
    term = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(9, 9), now=at(9, 10)
    )
    services.schedule_sweep(now=at(9, 11))
    services.schedule_sweep(now=at(9, 12))
    [flag] = Flag.objects.filter(rule__code="low_birth_weight_or_preterm")
    assert (flag.mother, flag.severity, flag.detail) == (
        small,
        "amber",
        {"birth_weight_g": 2300, "birth_weight_below_g": 2500.0},
    )
    assert not Flag.objects.filter(mother=term).exists()


@pytest.mark.django_db
def test_a_gestational_age_entered_by_the_midwife_makes_a_baby_preterm(world, mother):
    delivery_followup_record(
        delivery=Delivery.objects.get(pregnancy__mother=mother),
        first_postnatal_check_at=None,
        gestational_age_weeks=35,
        birth_outcome="",
        birth_outcome_at=None,
        now=at(9, 6),
    )
    services.schedule_sweep(now=at(9, 7))
    [flag] = Flag.objects.filter(mother=mother)
    assert (flag.rule.code, flag.detail) == (
        "low_birth_weight_or_preterm",
        {"gestational_weeks": 35, "gestational_weeks_below": 37.0},
    )


@pytest.mark.django_db
def test_a_bak_count_of_zero_raises_the_red_no_urine_flag(mother):
    services.measurement_record(
        mother=mother,
        kind=MeasurementKind.WET_NAPPIES,
        measured_at=at(9, 20),
        value=0,
        now=at(9, 21),
    )
    [flag] = Flag.objects.filter(mother=mother)
    assert (flag.rule.code, flag.severity) == ("no_urine_12_hours", "red")


@pytest.mark.django_db
def test_milk_not_in_at_72_hours_raises_the_amber_flag_once(mother):
    delivery = Delivery.objects.get(pregnancy__mother=mother)
    milk_onset_record(delivery=delivery, came_in=False, at=at(10, 23), now=at(10, 23))
    assert not Flag.objects.filter(mother=mother).exists()  # 47.5 hours: too early to judge
    milk_onset_record(delivery=delivery, came_in=False, at=at(12, 0), now=at(12, 0))
    milk_onset_record(delivery=delivery, came_in=False, at=at(12, 8), now=at(12, 8))
    [flag] = Flag.objects.filter(mother=mother)
    assert (flag.rule.code, flag.severity, flag.detail) == (
        "milk_not_in_by_72_hours",
        "amber",
        {"not_in_at_hours": 72.0, "hours": 72.0},
    )


@pytest.mark.django_db
def test_milk_that_came_in_on_day_two_raises_nothing(mother):
    delivery = Delivery.objects.get(pregnancy__mother=mother)
    milk_onset_record(delivery=delivery, came_in=True, at=at(10, 20), now=at(11, 8))
    delivery.refresh_from_db()
    assert delivery.milk_came_in_at == at(10, 20)
    assert not Flag.objects.filter(mother=mother).exists()


def test_the_rollups_count_a_skipped_session_as_neither_done_nor_missed():
    closed = {"window_starts_at": at(9, 6), "window_ends_at": at(9, 13, 30)}
    tally = session_tally(
        [
            SimpleNamespace(**closed, done=False, skipped_at=at(9, 8)),
            SimpleNamespace(**closed, done=False, skipped_at=None),
            SimpleNamespace(**closed, done=True, skipped_at=None),
        ],
        now=at(10, 9),
    )
    assert (tally.due, tally.done, tally.missed) == (2, 1, 1)


@pytest.mark.django_db
def test_a_preterm_baby_s_weight_loss_raises_no_term_baby_flag(world):
    preterm = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 23, 30), now=at(9, 5)
    )
    delivery_followup_record(
        delivery=Delivery.objects.get(pregnancy__mother=preterm),
        first_postnatal_check_at=None,
        gestational_age_weeks=35,
        birth_outcome="",
        birth_outcome_at=None,
        now=at(9, 6),
    )
    services.measurement_record(
        mother=preterm,
        kind=MeasurementKind.INFANT_WEIGHT,
        measured_at=at(10, 9),
        value=2640,
        now=at(10, 9),
    )  # 12 % below 3,000 g
    assert (
        not Flag.objects.filter(mother=preterm)
        .exclude(rule__code="low_birth_weight_or_preterm")
        .exists()
    )


@pytest.mark.parametrize(
    "visits",
    [
        "KF2",
        [{"code": "KF2", "from_day": 7, "to_day": 3}],
        [{"code": "KF2", "from_day": "3", "to_day": 7}],
        [{"code": "KN2", "subject": "father", "from_day": 3, "to_day": 7}],
        [{"from_day": 3, "to_day": 7}],
    ],
)
@pytest.mark.django_db
def test_malformed_postnatal_visits_are_refused_on_their_field(world, visits):
    programme = world.programme
    programme.postnatal_visits = visits
    with pytest.raises(ValidationError) as refused:
        programme.full_clean()
    assert list(refused.value.message_dict) == ["postnatal_visits"]


@pytest.mark.django_db
def test_a_flag_raised_by_the_milk_onset_answer_is_signed_by_the_person_whose_request_raised_it(
    mother, midwife
):
    """Regression (decision 0180 writes flags in bulk): a service not handed its author still
    signs the flag and its referral with the user of the request (auditlog's set_actor), as
    auditlog's own save did; after that request, a sweep's flag has no author."""
    from auditlog.context import set_actor

    from kaderasi.core.bulk_audit import audit_entries_of

    delivery = Delivery.objects.get(pregnancy__mother=mother)
    with set_actor(midwife, remote_addr="10.0.0.7"):
        milk_onset_record(delivery=delivery, came_in=False, at=at(12, 0), now=at(12, 0))
    [flag] = Flag.objects.filter(mother=mother)
    [referral] = Referral.objects.filter(mother=mother)
    for row in (flag, referral):
        [entry] = audit_entries_of(row)
        assert (entry.actor, entry.remote_addr) == (midwife, "10.0.0.7")

    birth = delivered(
        programme=mother.programme, posyandu=mother.posyandu, delivered_at=at(8, 23), now=at(9, 5)
    )
    milk_onset_record(
        delivery=Delivery.objects.get(pregnancy__mother=birth),
        came_in=False,
        at=at(12, 0),
        now=at(12, 0),
    )
    [later] = Flag.objects.filter(mother=birth)
    [entry] = audit_entries_of(later)
    assert entry.actor is None
