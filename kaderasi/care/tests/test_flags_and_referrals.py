"""Records judged by the flag rules (data), referrals opened for the midwife, and the sweep."""

import datetime as dt
import uuid

import pytest

from kaderasi.care import services
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import (
    Flag,
    FlagRule,
    MassageSession,
    Referral,
    ReferralOutcome,
    ReferralStatus,
)
from kaderasi.care.selectors import flags_of_referral
from kaderasi.care.tests.factories import at, delivered, session
from kaderasi.core.errors import DomainError

pytestmark = pytest.mark.django_db

NOW = at(12, 9)


@pytest.fixture
def mother(world):
    return delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(8, 23, 30),
        now=NOW,
        birth_weight_g=3000,
    )


def _weigh(mother, grams, *, when=None, public_id=None):
    return services.measurement_record(
        mother=mother,
        kind="infant_weight",
        measured_at=when or at(11, 8),
        value=grams,
        now=NOW,
        public_id=public_id,
    )


def _codes(mother):
    return sorted(Flag.objects.filter(mother=mother).values_list("rule__code", flat=True))


def test_a_measurement_past_a_threshold_raises_a_flag_and_opens_a_referral(mother):
    measurement = _weigh(mother, 2690)
    flag = Flag.objects.get(mother=mother)
    assert (flag.rule.code, flag.severity, flag.measurement) == (
        "infant_weight_loss_referral",
        "red",
        measurement,
    )
    assert flag.detail["loss_percent"] == 10.3
    assert flag.district.name == "Kecamatan Wedi"
    assert flag.referral.status == ReferralStatus.OPEN
    assert flag.referral.opened_at == NOW


def test_a_value_within_the_thresholds_raises_nothing(mother):
    _weigh(mother, 2850)
    assert not Flag.objects.exists()


def test_a_resent_measurement_raises_no_second_flag(mother):
    record_id = uuid.uuid4()
    _weigh(mother, 2690, public_id=record_id)
    _weigh(mother, 2690, public_id=record_id)
    assert Flag.objects.count() == 1


def test_a_second_flag_of_the_same_rule_joins_the_open_referral(mother):
    _weigh(mother, 2690)
    _weigh(mother, 2680, when=at(11, 20))
    assert Flag.objects.count() == 2
    assert Referral.objects.count() == 1
    assert flags_of_referral(Referral.objects.get()).count() == 2


def test_after_the_referral_is_closed_a_new_flag_opens_a_new_one(mother, midwife):
    _weigh(mother, 2690)
    services.referral_close(
        referral=Referral.objects.get(),
        by=midwife,
        now=NOW,
        outcome=ReferralOutcome.SEEN_BY_MIDWIFE,
    )
    _weigh(mother, 2680, when=at(11, 20))
    assert Referral.objects.filter(status=ReferralStatus.OPEN).count() == 1


def test_a_clinician_changes_a_threshold_in_the_data_without_a_deploy(mother):
    rule = FlagRule.objects.get(code="feeds_below_minimum")
    rule.parameters = {"minimum_feeds": 10}
    rule.save()
    services.measurement_record(
        mother=mother, kind="feeds", measured_at=at(10, 8), value=9, now=NOW
    )
    assert _codes(mother) == ["feeds_below_minimum"]


def test_a_rule_switched_off_raises_nothing(mother):
    FlagRule.objects.filter(code__startswith="infant_weight").update(is_active=False)
    _weigh(mother, 2000)
    assert not Flag.objects.exists()


def test_a_short_session_is_recorded_and_flagged_not_refused(mother):
    short = session(mother, at(9, 7), minutes=6, now=NOW)
    assert MassageSession.objects.filter(pk=short.pk).exists()
    flag = Flag.objects.get()
    assert (flag.rule.code, flag.massage_session) == ("session_duration_outside_protocol", short)
    assert flag.detail == {"duration_minutes": 6.0, "minutes_min": 10, "minutes_max": 15}


def test_a_session_within_the_protocol_raises_nothing(mother):
    session(mother, at(9, 7), minutes=10, now=NOW)
    session(mother, at(9, 14), minutes=15, now=NOW)
    assert not Flag.objects.exists()


def test_an_adverse_event_written_at_the_end_of_a_session_is_flagged(mother):
    session(mother, at(9, 7), adverse_event="Ibu pusing", now=NOW)
    assert _codes(mother) == ["adverse_event_reported"]


def test_a_danger_sign_ticked_raises_a_red_flag(mother, cadre_user):
    report = services.danger_signs_report(
        mother=mother, signs=["convulsions"], observed_at=at(10, 8), now=NOW, by=cadre_user
    )
    flag = Flag.objects.get()
    assert (flag.rule.code, flag.severity, flag.danger_sign_report) == (
        "danger_sign",
        "red",
        report,
    )
    assert flag.referral.status == ReferralStatus.OPEN


def test_a_danger_sign_check_with_nothing_ticked_is_recorded_without_a_flag(mother):
    report = services.danger_signs_report(mother=mother, signs=[], observed_at=at(10, 8), now=NOW)
    assert report.signs == []
    assert not Flag.objects.exists()


def test_an_unknown_danger_sign_is_refused_on_its_field(mother):
    with pytest.raises(DomainError) as error:
        services.danger_signs_report(
            mother=mother, signs=["made_up"], observed_at=at(10, 8), now=NOW
        )
    assert (error.value.code, error.value.field) == (CareErrorCode.DANGER_SIGN_UNKNOWN, "signs")


def test_the_sweep_flags_a_session_missed_for_longer_than_the_delay_once(mother):
    session(mother, at(9, 7), now=NOW)  # day 1 morning done; day 1 evening closes 21:00
    assert services.schedule_sweep(now=at(9, 22, 59))["missed_flags"] == 0
    assert services.schedule_sweep(now=at(9, 23, 0))["missed_flags"] == 1
    assert services.schedule_sweep(now=at(9, 23, 1))["missed_flags"] == 0
    flag = Flag.objects.get()
    assert (flag.rule.code, flag.scheduled_session.postpartum_day, flag.scheduled_session.slot) == (
        "missed_session",
        1,
        2,
    )


def test_the_sweep_does_not_flag_windows_older_than_its_look_back(mother):
    counts = services.schedule_sweep(now=at(20, 9))
    assert counts["missed_flags"] == 0


def test_the_missed_session_delay_is_data(mother):
    rule = FlagRule.objects.get(code="missed_session")
    rule.parameters = {"delay_minutes": 0, "look_back_hours": 72}
    rule.save()
    assert services.schedule_sweep(now=at(9, 13, 30))["missed_flags"] == 1


def test_the_sweep_flags_no_stool_by_48_hours_once_the_time_has_passed(mother):
    services.measurement_record(
        mother=mother, kind="stools", measured_at=at(9, 22), value=0, now=NOW
    )
    assert services.schedule_sweep(now=at(10, 23, 29))["stool_flags"] == 0
    assert services.schedule_sweep(now=at(10, 23, 30))["stool_flags"] == 1
    assert services.schedule_sweep(now=at(10, 23, 45))["stool_flags"] == 0
    assert _codes(mother).count("no_stool_by_48_hours") == 1


def test_no_flag_is_raised_for_a_mother_who_passed_stool(mother):
    services.measurement_record(
        mother=mother, kind="stools", measured_at=at(9, 22), value=1, now=NOW
    )
    services.measurement_record(
        mother=mother, kind="stools", measured_at=at(11, 0), value=0, now=NOW
    )
    services.schedule_sweep(now=at(11, 1))
    assert "no_stool_by_48_hours" not in _codes(mother)


def test_the_midwife_acknowledges_then_closes_a_referral_with_its_outcome(mother, midwife):
    _weigh(mother, 2690)
    referral = Referral.objects.get()
    services.referral_acknowledge(referral=referral, by=midwife, now=at(11, 9))
    referral = services.referral_close(
        referral=referral,
        by=midwife,
        now=at(11, 15),
        outcome=ReferralOutcome.REFERRED_TO_PUSKESMAS,
        action_taken="Dirujuk ke puskesmas untuk konseling menyusui.",
    )
    assert (referral.status, referral.acknowledged_at, referral.closed_at, referral.closed_by) == (
        ReferralStatus.CLOSED,
        at(11, 9),
        at(11, 15),
        midwife,
    )


def test_closing_with_other_needs_what_was_done_and_changes_nothing_otherwise(mother, midwife):
    _weigh(mother, 2690)
    referral = Referral.objects.get()
    with pytest.raises(DomainError) as error:
        services.referral_close(
            referral=referral, by=midwife, now=NOW, outcome=ReferralOutcome.OTHER
        )
    assert (error.value.code, error.value.field) == (
        CareErrorCode.REFERRAL_ACTION_REQUIRED,
        "action_taken",
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.OPEN


def test_a_referral_is_acknowledged_once(mother, midwife):
    _weigh(mother, 2690)
    referral = Referral.objects.get()
    services.referral_acknowledge(referral=referral, by=midwife, now=NOW)
    with pytest.raises(DomainError) as error:
        services.referral_acknowledge(
            referral=referral, by=midwife, now=NOW + dt.timedelta(minutes=1)
        )
    assert error.value.code == CareErrorCode.REFERRAL_NOT_OPEN


def _milk_24h(mother, volume):
    return services.measurement_record(
        mother=mother,
        kind="milk_volume",
        measured_at=at(11, 20),  # postpartum day 3
        value=volume,
        basis="24h_estimate",
        method="estimate",
        now=NOW,
    )


@pytest.mark.parametrize(("volume", "flagged"), [(97, True), (98, False)])
def test_the_milk_rule_judges_against_the_reference_table_the_chart_draws(mother, volume, flagged):
    # The reference table's day-3 lower bound is 98 ml (Saint 1984), the bottom of the band.
    _milk_24h(mother, volume)
    assert _codes(mother) == (["milk_volume_below_reference"] if flagged else [])


def test_a_corrected_reference_table_moves_the_milk_rules_threshold(mother):
    from kaderasi.evaluation.models import MilkVolumeReference

    MilkVolumeReference.objects.filter(postpartum_day=3).update(lower_ml=150)
    _milk_24h(mother, 120)
    flag = Flag.objects.get(mother=mother)
    assert (flag.rule.code, flag.detail["lower_ml"]) == ("milk_volume_below_reference", 150.0)
