"""A danger-sign check pushed from the phone: stored once, and any sign reaches the midwife at
once as a red flag with its referral."""

import pytest
from django.apps import apps

from kaderasi.api.tests.conftest import danger_signs as check
from kaderasi.api.tests.conftest import milk
from kaderasi.care.catalogue import catalogue_ensure
from kaderasi.care.models import DangerSignReport, Flag, Measurement, ReferralStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _catalogue(db):
    catalogue_ensure(apps)


def test_a_pushed_danger_sign_raises_a_red_flag_and_a_referral(phone, mother, cadre_user):
    record = check(mother)

    [result] = phone.push(record).json()["results"]

    assert result == {"id": record["id"], "status": "created", "errors": [], "conflicts": []}
    report = DangerSignReport.objects.get(public_id=record["id"])
    assert (report.mother, report.signs, report.context, report.recorded_by) == (
        mother,
        ["convulsions"],
        "before_massage",
        cadre_user,
    )
    flag = Flag.objects.get(danger_sign_report=report)
    assert (flag.severity, flag.referral.status) == ("red", ReferralStatus.OPEN)


def test_a_re_sent_check_is_a_duplicate_and_raises_no_second_flag(phone, mother):
    record = check(mother)
    phone.push(record)

    [result] = phone.push(record).json()["results"]

    assert result["status"] == "duplicate"
    assert DangerSignReport.objects.count() == 1
    assert Flag.objects.count() == 1


def test_a_check_that_found_nothing_is_stored_without_a_flag(phone, mother):
    record = check(mother, signs=[], context="daily_check")

    [result] = phone.push(record).json()["results"]

    assert result["status"] == "created"
    assert DangerSignReport.objects.get().signs == []
    assert not Flag.objects.exists()


def test_an_unknown_sign_is_rejected_and_the_rest_of_the_batch_is_kept(phone, mother):
    bad, volume = check(mother, signs=["no_such_sign"]), milk(mother)

    results = phone.push(bad, volume).json()["results"]

    assert results[0]["status"] == "rejected"
    assert (results[0]["errors"][0]["code"], results[0]["errors"][0]["field"]) == (
        "danger_sign_unknown",
        "signs",
    )
    assert results[1]["status"] == "created"
    assert not DangerSignReport.objects.exists()
    assert Measurement.objects.count() == 1


def test_a_cadre_cannot_report_for_another_cadres_mother(phone, other_mother):
    [result] = phone.push(check(other_mother)).json()["results"]

    assert result["errors"][0]["code"] == "mother_not_found"
    assert not DangerSignReport.objects.exists()
    assert not Flag.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"signs": "convulsions"}, "signs"),
        ({"context": "whenever"}, "context"),
        ({"observed_at": "2026-11-10T08:00:00"}, "observed_at"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_malformed_check_is_refused_with_its_field(phone, mother, overrides, field):
    response = phone.push(check(mother, **overrides))

    assert response.status_code == 422
    assert any(error["field"] == f"records.0.{field}" for error in response.json()["errors"])
    assert not DangerSignReport.objects.exists()
