"""Certificates: issued to the cadres who pass the programme's rule, valid for a configurable
time with a refresher date, verifiable publicly, and the key to the pairing gate."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import Pairing
from kaderasi.care.services import pairing_start
from kaderasi.conftest import WIB
from kaderasi.core.errors import DomainError
from kaderasi.tests import factories as f
from kaderasi.training import services
from kaderasi.training.certification import CertificateStatus, certificate_status, is_certified
from kaderasi.training.documents import certificate_context, qr_svg
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.models import Certificate, TestPhase
from kaderasi.training.tests.answering import english_url
from kaderasi.training.tests.pdfs import needs_poppler, pdf_pages_and_size, pdf_text

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2026, 11, 29)


def _pass_skills(training, cadre, now, missed=frozenset()):
    services.skill_assessment_record(
        training=training,
        cadre=cadre,
        attempt=2,
        results={s: (s.number not in missed, "") for s in training.skill_checklist.steps.all()},
        assessor=None,
        now=now,
    )


@pytest.fixture
def passed_training(training, wati, rina, now):
    """Wati passed both parts; Rina passed the skills but scored 70 on the post-test."""
    services.total_scores_record(
        training=training,
        phase=TestPhase.POST,
        scores={wati: Decimal(80), rina: Decimal(70)},
        by=None,
        now=now,
    )
    _pass_skills(training, wati, now)
    _pass_skills(training, rina, now)
    return training


def test_only_cadres_who_passed_the_post_test_and_the_skills_are_certified(
    passed_training, wati, coordinator
):
    issued = services.certificates_issue_for_training(
        training=passed_training, on=ISSUED, by=coordinator
    )
    assert [c.cadre for c in issued] == [wati]
    certificate = issued[0]
    assert (certificate.issued_on, certificate.expires_on, certificate.refresher_due_on) == (
        ISSUED,
        dt.date(2028, 11, 29),
        dt.date(2028, 8, 29),
    )
    assert certificate.issued_by == coordinator
    assert len(certificate.verification_code) == 10


def test_issuing_twice_issues_nothing_new(passed_training):
    services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    assert services.certificates_issue_for_training(training=passed_training, on=ISSUED) == []
    assert Certificate.objects.count() == 1


def test_a_cadre_who_missed_a_critical_step_is_not_certified(training, wati, now):
    services.total_scores_record(
        training=training, phase=TestPhase.POST, scores={wati: Decimal(95)}, by=None, now=now
    )
    _pass_skills(training, wati, now, missed={22})  # forgot to wash her hands afterwards
    assert services.certificates_issue_for_training(training=training, on=ISSUED) == []


def test_the_programmes_policy_sets_the_pass_mark_and_the_validity(passed_training, wati, rina):
    services.training_policy_set(
        programme=passed_training.programme,
        post_test_pass_score=70,
        certificate_valid_months=12,
        refresher_months_before_expiry=1,
    )
    issued = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    assert sorted(c.cadre.code for c in issued) == ["K01", "K02"]
    assert {(c.expires_on, c.refresher_due_on) for c in issued} == {
        (dt.date(2027, 11, 29), dt.date(2027, 10, 29))
    }


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (dt.date(2026, 11, 28), CertificateStatus.NOT_YET_VALID),
        (ISSUED, CertificateStatus.VALID),
        (dt.date(2028, 11, 28), CertificateStatus.VALID),
        (dt.date(2028, 11, 29), CertificateStatus.EXPIRED),
    ],
)
def test_a_certificate_is_valid_from_its_issue_day_until_the_day_before_it_expires(
    passed_training, wati, on, status
):
    (certificate,) = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    assert certificate_status(certificate, on=on) == status
    assert is_certified(wati, on=on) is (status == CertificateStatus.VALID)


def test_a_revoked_certificate_stops_counting_from_the_day_it_is_revoked(
    passed_training, wati, coordinator
):
    (certificate,) = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    services.certificate_revoke(
        certificate=certificate,
        on=dt.date(2027, 3, 1),
        reason="Memijat tanpa persetujuan ibu",
        by=coordinator,
    )
    assert is_certified(wati, on=dt.date(2027, 2, 28))
    assert not is_certified(wati, on=dt.date(2027, 3, 1))
    assert certificate_status(certificate, on=dt.date(2027, 3, 1)) == CertificateStatus.REVOKED


def test_revoking_needs_a_reason(passed_training):
    (certificate,) = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    with pytest.raises(DomainError) as error:
        services.certificate_revoke(certificate=certificate, on=ISSUED, reason="  ")
    assert error.value.code == TrainingErrorCode.CERTIFICATE_REASON_REQUIRED
    certificate.refresh_from_db()
    assert certificate.revoked_on is None


@pytest.fixture
def mother(world):
    return f.delivered_mother(programme=world.programme, posyandu=world.mawar)


def test_a_certified_cadre_can_be_paired_and_an_expired_one_cannot(passed_training, wati, mother):
    services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    pairing = pairing_start(
        mother=mother, cadre=wati, starts_at=dt.datetime(2027, 1, 5, 9, 0, tzinfo=WIB)
    )
    assert pairing.certification_override_reason == ""
    pairing.delete()
    with pytest.raises(DomainError) as error:
        pairing_start(
            mother=mother, cadre=wati, starts_at=dt.datetime(2028, 12, 1, 9, 0, tzinfo=WIB)
        )
    assert error.value.code == CareErrorCode.PAIRING_CADRE_NOT_CERTIFIED
    assert not Pairing.objects.exists()


def test_an_override_of_the_gate_shows_on_the_programmes_certification_page(
    client, training, rina, mother, coordinator, now
):
    pairing_start(
        mother=mother,
        cadre=rina,
        starts_at=now,
        by=coordinator,
        override_reason="Only cadre in the village; re-demonstration scheduled",
    )
    client.force_login(coordinator)
    response = client.get(english_url("training:programme-certification", training.programme.slug))
    certification = response.context["certification"]
    assert [p.cadre for p in certification.overrides] == [rina]
    assert "Only cadre in the village; re-demonstration scheduled" in response.content.decode()
    assert certification.valid == 0


def test_the_cadre_downloads_her_certificate_with_its_code_and_verification_link(
    client, passed_training, cadre_user
):
    (certificate,) = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    client.force_login(cadre_user)
    response = client.get(reverse("training:certificate-pdf", args=[certificate.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@needs_poppler
def test_the_certificate_pdf_is_a_landscape_page_naming_the_cadre_and_the_code(
    passed_training, wati, tmp_path
):
    from kaderasi.training.documents import certificate_pdf

    (certificate,) = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    url = f"https://kaderasi.example/verify/{certificate.verification_code}/"
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate_pdf(certificate, verify_url=url, language="en", on=ISSUED))
    text = pdf_text(path)
    assert wati.name in text
    assert certificate.verification_code in text
    assert url in text
    assert pdf_pages_and_size(path) == (1, (842, 595))  # one A4 landscape page, in points


def test_the_qr_code_points_to_the_public_verification_page(passed_training, rf):
    (certificate,) = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    url = "https://kaderasi.example" + reverse(
        "training:verify", args=[certificate.verification_code]
    )
    context = certificate_context(certificate, verify_url=url, on=ISSUED)
    assert context["qr"] == qr_svg(url)
    assert url.endswith(f"/verify/{certificate.verification_code}/")


def test_anyone_can_verify_a_certificate_and_sees_only_name_programme_status_and_dates(
    client, passed_training, wati
):
    # A name with her score's digits in it (the factory's names run "Kader 1", "Kader 2", ...:
    # "Kader 801" failed the check of the score on PostgreSQL's longer run).
    wati.name = "Kader 801"
    wati.save(update_fields=["name"])
    (certificate,) = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    code = certificate.verification_code
    messy = f"{code[:5].lower()}-{code[5:]}"  # typed from paper, with a dash, in lower case
    response = client.get(english_url("training:verify", messy))
    assert response.status_code == 200
    page = response.content.decode()
    for shown in (
        wati.name,
        passed_training.programme.name,
        "29 November 2026",
        "29 November 2028",
    ):
        assert shown in page
    main = page.split('<main id="main"')[1]
    for hidden in (wati.code, wati.posyandu.name, passed_training.title):
        assert hidden not in main
    # Her score (80) as a number of its own: a factory's name ("Kader 801") may hold the digits.
    assert not re.search(r"(?<!\d)80(?!\d)", main)
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_verifying_an_unknown_code_says_so(client, db):
    with translation.override("en"):
        response = client.get(reverse("training:verify", args=["AAAAAAAAAA"]))
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("midwife", 403), ("cadre_user", 403)])
def test_only_coordinators_revoke_certificates(request, client, passed_training, persona, status):
    (certificate,) = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("training:certificate-revoke", args=[certificate.public_id]), {"reason": "x"}
    )
    assert response.status_code == status
    certificate.refresh_from_db()
    assert certificate.revoked_on is None


def test_a_coordinator_issues_the_rooms_certificates_from_the_training_page(
    client, passed_training, coordinator, wati
):
    client.force_login(coordinator)
    url = reverse("training:training-certificates", args=[passed_training.public_id])
    assert client.get(url).context["eligible_without_certificate"] == 1
    client.post(url)
    assert list(Certificate.objects.values_list("cadre", flat=True)) == [wati.pk]


@pytest.mark.parametrize(("persona", "sees_source"), [("midwife", False), ("coordinator", True)])
def test_the_rules_source_is_folded_away_for_the_programme_team_and_not_shown_to_others(
    client, request, training, persona, sees_source
):
    # Issue 18: the policy's source ("…proposals of kaderasi issue 3… To be confirmed by the
    # programme owner.") was printed to every reader of the page.
    client.force_login(request.getfixturevalue(persona))
    response = client.get(english_url("training:programme-certification", training.programme.slug))
    page = response.content.decode()
    source = escape(response.context["certification"].policy.source)
    assert source
    assert (source in page) is sees_source
    assert ('<details class="small policy-source">' in page) is sees_source


def revoke(client, certificate, reason: str):
    return client.post(
        english_url("training:certificate-revoke", certificate.public_id), {"reason": reason}
    )


def test_a_coordinator_revokes_a_certificate_with_a_reason_from_the_certification_page(
    client, passed_training, coordinator, monkeypatch
):
    monkeypatch.setattr("kaderasi.core.clock.today", lambda: dt.date(2027, 3, 1))
    (certificate,) = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    client.force_login(coordinator)

    response = revoke(client, certificate, "  Tidak aktif lagi  ")

    assert response["Location"] == english_url(
        "training:programme-certification", passed_training.programme.slug
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Certificate {certificate.verification_code} revoked."
    ]
    certificate.refresh_from_db()
    assert (certificate.revoked_on, certificate.revoked_reason, certificate.revoked_by) == (
        dt.date(2027, 3, 1),
        "Tidak aktif lagi",
        coordinator,
    )


def test_a_certificate_revoked_again_keeps_its_first_reason_and_the_page_says_so(
    client, passed_training, coordinator
):
    (certificate,) = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    services.certificate_revoke(certificate=certificate, on=dt.date(2027, 1, 5), reason="Pindah")
    client.force_login(coordinator)

    response = revoke(client, certificate, "Lagi")

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This certificate is already revoked."
    ]
    certificate.refresh_from_db()
    assert (certificate.revoked_on, certificate.revoked_reason) == (dt.date(2027, 1, 5), "Pindah")


def test_a_revocation_without_a_reason_is_refused_on_the_page(client, passed_training, coordinator):
    (certificate,) = services.certificates_issue_for_training(training=passed_training, on=ISSUED)
    client.force_login(coordinator)

    response = revoke(client, certificate, "")

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Say why the certificate is revoked."
    ]
    certificate.refresh_from_db()
    assert certificate.revoked_on is None


def test_a_code_typed_on_the_verification_page_leads_to_its_page_in_capitals(client, db):
    response = client.get(reverse("training:verify-lookup"), {"code": " abc123 "})

    assert response.status_code == 302
    assert response["Location"] == reverse("training:verify", args=["ABC123"])


def test_a_typed_code_with_a_slash_is_answered_not_found_on_the_same_page(client, db):
    response = client.get(reverse("training:verify-lookup"), {"code": "ABC/123"})

    assert response.status_code == 404
    assert response.context["code"] == "ABC/123"
    assert response.context["certificate"] is None
