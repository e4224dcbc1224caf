"""Certificates in the admin: issuing one by hand keeps the pass rule (a cadre who did not meet
it is certified only with a recorded reason), and once issued a certificate changes only by being
revoked through the revoking service."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kaderasi.core.errors import DomainError
from kaderasi.training import services
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.models import Certificate, TestPhase
from kaderasi.training.tests.answering import english_url

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2026, 11, 29)
REASON = "Certified by the Pandes 2018 programme; re-demonstration seen by the midwife"


@pytest.fixture
def passed_training(training, wati, rina, now):
    """Wati passed the post-test and her final re-demonstration; Rina scored 70 on the
    post-test."""
    services.total_scores_record(
        training=training,
        phase=TestPhase.POST,
        scores={wati: Decimal(80), rina: Decimal(70)},
        by=None,
        now=now,
    )
    for cadre in (wati, rina):
        services.skill_assessment_record(
            training=training,
            cadre=cadre,
            attempt=2,
            results={step: (True, "") for step in training.skill_checklist.steps.all()},
            assessor=None,
            now=now,
        )
    return training


def _add(client, cadre, training, reason=""):
    return client.post(
        english_url("admin:training_certificate_add"),
        {
            "cadre": cadre.pk,
            "training": training.pk if training else "",
            "issued_on": ISSUED.isoformat(),
            "issued_reason": reason,
        },
    )


def test_a_coordinator_issues_a_certificate_by_hand_to_a_cadre_who_met_the_pass_rule(
    client, coordinator, passed_training, wati
):
    client.force_login(coordinator)
    response = _add(client, wati, passed_training)
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert (certificate.cadre, certificate.training, certificate.issued_by) == (
        wati,
        passed_training,
        coordinator,
    )
    assert (certificate.expires_on, certificate.refresher_due_on) == (
        dt.date(2028, 11, 29),
        dt.date(2028, 8, 29),
    )
    assert certificate.issued_reason == ""


def test_a_cadre_who_did_not_meet_the_pass_rule_is_not_certified_by_hand_without_a_reason(
    client, coordinator, passed_training, rina
):
    client.force_login(coordinator)
    response = _add(client, rina, passed_training)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors.as_data()["issued_reason"][0].code == (
        TrainingErrorCode.CERTIFICATE_ISSUE_REASON_REQUIRED
    )
    assert not Certificate.objects.exists()


def test_a_certificate_named_for_no_training_needs_a_reason_too(client, admin_user, wati):
    client.force_login(admin_user)
    assert _add(client, wati, None).status_code == 200
    assert not Certificate.objects.exists()


def test_with_a_reason_the_certificate_is_issued_and_the_reason_is_kept(
    client, coordinator, passed_training, rina
):
    client.force_login(coordinator)
    assert _add(client, rina, passed_training, reason=f"  {REASON} ").status_code == 302
    certificate = Certificate.objects.get()
    assert (certificate.cadre, certificate.issued_reason, certificate.issued_by) == (
        rina,
        REASON,
        coordinator,
    )


def test_the_reason_shows_on_the_certificates_admin_page_and_the_certification_page(
    client, coordinator, passed_training, rina
):
    certificate = services.certificate_issue(
        cadre=rina, issued_on=ISSUED, training=passed_training, reason=REASON, by=coordinator
    )
    client.force_login(coordinator)
    admin_page = client.get(english_url("admin:training_certificate_change", certificate.pk))
    assert REASON in admin_page.content.decode()
    certification_page = client.get(
        english_url("training:programme-certification", passed_training.programme.slug)
    )
    assert REASON in certification_page.content.decode()


def test_the_service_refuses_a_certificate_by_hand_without_a_reason(passed_training, rina):
    with pytest.raises(DomainError) as error:
        services.certificate_issue(cadre=rina, issued_on=ISSUED, training=passed_training)
    assert error.value.code == TrainingErrorCode.CERTIFICATE_ISSUE_REASON_REQUIRED
    assert not Certificate.objects.exists()


def test_a_cadre_is_certified_once_per_training(passed_training, wati):
    services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    with pytest.raises(DomainError) as error:
        services.certificate_issue(
            cadre=wati, issued_on=ISSUED, training=passed_training, reason=REASON
        )
    assert error.value.code == TrainingErrorCode.CERTIFICATE_ALREADY_ISSUED
    assert Certificate.objects.count() == 1


@pytest.fixture
def certificate(passed_training):
    (certificate,) = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    return certificate


def _change(client, certificate, **data):
    return client.post(english_url("admin:training_certificate_change", certificate.pk), data)


def test_revoking_in_the_admin_goes_through_the_service_and_records_who_revoked(
    client, coordinator, certificate
):
    client.force_login(coordinator)
    response = _change(
        client, certificate, revoked_on="2027-03-01", revoked_reason="Massaged without consent"
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.revoked_on, certificate.revoked_reason, certificate.revoked_by) == (
        dt.date(2027, 3, 1),
        "Massaged without consent",
        coordinator,
    )


def test_revoking_in_the_admin_needs_a_reason(client, coordinator, certificate):
    client.force_login(coordinator)
    response = _change(client, certificate, revoked_on="2027-03-01", revoked_reason=" ")
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert (certificate.revoked_on, certificate.revoked_by) == (None, None)


def test_issue_and_expiry_dates_cannot_be_edited_once_issued(client, coordinator, certificate):
    client.force_login(coordinator)
    response = _change(
        client,
        certificate,
        issued_on="2020-01-01",
        expires_on="2099-01-01",
        refresher_due_on="2098-01-01",
        revoked_on="",
        revoked_reason="",
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.issued_on, certificate.expires_on, certificate.refresher_due_on) == (
        ISSUED,
        dt.date(2028, 11, 29),
        dt.date(2028, 8, 29),
    )


def test_a_revoked_certificate_cannot_be_un_revoked_in_the_admin(client, coordinator, certificate):
    services.certificate_revoke(
        certificate=certificate, on=dt.date(2027, 3, 1), reason="Moved away", by=coordinator
    )
    client.force_login(coordinator)
    _change(client, certificate, revoked_on="", revoked_reason="")
    certificate.refresh_from_db()
    assert (certificate.revoked_on, certificate.revoked_reason) == (
        dt.date(2027, 3, 1),
        "Moved away",
    )


def test_a_certificate_is_revoked_never_deleted_in_the_admin(client, admin_user, certificate):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:training_certificate_delete", args=[certificate.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Certificate.objects.filter(pk=certificate.pk).exists()
