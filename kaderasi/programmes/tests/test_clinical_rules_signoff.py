"""Sign-off of a programme's clinical rules (issue 19): a coordinator records which midwife
reviewed and approved them, and when; until then the programme page, the midwife's referral pages
and the booklet say that the rules are proposals not yet approved."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.care import services as care_services
from kaderasi.care.models import DangerSignContext, FlagRule, Referral
from kaderasi.care.tests.factories import at, delivered
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.programmes.clinical_rules import clinical_rules_status
from kaderasi.programmes.errors import ProgrammeErrorCode
from kaderasi.programmes.models import ClinicalRulesApproval
from kaderasi.programmes.services import clinical_rules_approve
from kaderasi.tests import factories as f
from kaderasi.training.services import standard_content_load

pytestmark = pytest.mark.django_db

NOW = at(10, 9)
PROPOSAL = "are proposals not yet approved by a midwife of this programme"
BOOKLET_PROPOSAL = "are proposals not yet approved by your programme"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def _url(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def _approve(world, midwife, on=dt.date(2026, 11, 9)):
    midwife.first_name, midwife.last_name = "Sari", "Wulandari"
    midwife.save()
    return clinical_rules_approve(
        programme=world.programme, midwife=midwife, approved_on=on, by=None, now=NOW
    )


@pytest.fixture
def referral(world, cadre_user, midwife):
    f.CertificateFactory(cadre=cadre_user.cadre)
    mother = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 23, 30), now=NOW
    )
    care_services.pairing_start(mother=mother, cadre=cadre_user.cadre, starts_at=at(9, 1))
    care_services.danger_signs_report(
        mother=mother,
        signs=["heavy_bleeding"],
        observed_at=at(10, 8, 45),
        context=DangerSignContext.DAILY_CHECK,
        notes="",
        by=cadre_user,
        now=NOW,
    )
    return Referral.objects.get(mother=mother)


def test_without_an_approval_the_programme_page_calls_the_rules_proposals(
    client, coordinator, world
):
    client.force_login(coordinator)
    page = client.get(_url("programme-detail", world.programme.slug)).content.decode()
    assert 'data-clinical-rules="proposal"' in page
    assert PROPOSAL in page


def test_the_midwifes_referral_pages_say_the_rules_are_proposals_until_approved(
    client, midwife, referral, world
):
    client.force_login(midwife)
    detail = client.get(_url("care:referral-detail", referral.public_id)).content.decode()
    assert PROPOSAL in detail
    listing = client.get(_url("care:referral-list")).content.decode()
    assert f"The clinical rules of {world.programme.name}" in listing

    _approve(world, midwife)

    detail = client.get(_url("care:referral-detail", referral.public_id)).content.decode()
    assert PROPOSAL not in detail
    assert "approved by midwife Sari Wulandari on 9 November 2026" in detail
    listing = client.get(_url("care:referral-list")).content.decode()
    assert 'data-clinical-rules="proposal"' not in listing


def test_an_approval_names_the_midwife_and_the_day_on_the_programme_page(
    client, coordinator, midwife, world
):
    approval = _approve(world, midwife)
    assert (approval.approved_by, approval.approved_on) == (midwife, dt.date(2026, 11, 9))
    client.force_login(coordinator)
    page = client.get(_url("programme-detail", world.programme.slug)).content.decode()
    assert 'data-clinical-rules="approved"' in page
    assert "approved by midwife Sari Wulandari on 9 November 2026" in page


def test_a_rule_edited_after_the_approval_makes_the_rules_proposals_again(midwife, world):
    _approve(world, midwife)
    assert clinical_rules_status(world.programme).approved is True
    rule = FlagRule.objects.get(code="infant_weight_loss_referral")
    rule.parameters = {"loss_percent_at_least": 12}
    rule.save()
    status = clinical_rules_status(world.programme)
    assert (status.approved, status.changed_since) == (False, True)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sessions_per_day", 1),
        ("session_minutes_max", 20),
        ("protocol_days", 5),
        ("first_massage_min_hours", 2),
        ("postnatal_visits", [{"code": "KF1", "from_hours": 6, "to_hours": 48}]),
    ],
)
def test_a_protocol_edited_after_the_approval_makes_the_rules_proposals_again(
    midwife, world, field, value
):
    _approve(world, midwife)
    programme = world.programme
    approved = getattr(programme, field)
    setattr(programme, field, value)
    programme.save()

    status = clinical_rules_status(programme)
    assert (status.approved, status.changed_since) == (False, True)

    setattr(programme, field, approved)
    programme.save()
    assert clinical_rules_status(programme).approved is True


def test_renaming_the_programme_keeps_the_approval(midwife, world):
    _approve(world, midwife)
    world.programme.name = "Pijat Oksitosin Pandes 2027"
    world.programme.description = "Tahun kedua"
    world.programme.save()

    assert clinical_rules_status(world.programme).approved is True


def test_a_training_policy_edited_after_the_approval_makes_the_rules_proposals_again(
    midwife, world
):
    from kaderasi.training.models import TrainingPolicy

    policy = TrainingPolicy.objects.create(programme=world.programme)
    _approve(world, midwife)
    assert clinical_rules_status(world.programme).approved is True

    policy.must_pass_items_required = False
    policy.save()

    status = clinical_rules_status(world.programme)
    assert (status.approved, status.changed_since) == (False, True)


def test_the_booklet_shows_the_proposal_note_until_the_readers_programme_is_approved(
    client, cadre_user, midwife, world
):
    booklet = standard_content_load().booklet
    client.force_login(cadre_user)
    url = _url("training:booklet", booklet.code, booklet.version)
    assert BOOKLET_PROPOSAL in client.get(url).content.decode()
    _approve(world, midwife)
    assert BOOKLET_PROPOSAL not in client.get(url).content.decode()


def test_only_a_midwife_approves_the_rules(world, coordinator):
    with pytest.raises(DomainError) as error:
        clinical_rules_approve(
            programme=world.programme,
            midwife=coordinator,
            approved_on=dt.date(2026, 11, 9),
            by=coordinator,
            now=NOW,
        )
    assert error.value.code == ProgrammeErrorCode.APPROVER_NOT_A_MIDWIFE
    assert error.value.field == "approved_by"
    assert not ClinicalRulesApproval.objects.exists()


def test_an_approval_cannot_be_dated_in_the_future(world, midwife):
    with pytest.raises(DomainError) as error:
        clinical_rules_approve(
            programme=world.programme,
            midwife=midwife,
            approved_on=dt.date(2026, 11, 11),
            by=None,
            now=NOW,
        )
    assert error.value.code == ProgrammeErrorCode.APPROVAL_IN_THE_FUTURE
    assert not ClinicalRulesApproval.objects.exists()


def test_a_coordinator_records_the_approval_in_the_admin(client, coordinator, midwife, world):
    client.force_login(coordinator)
    response = client.post(
        _url("admin:programmes_clinicalrulesapproval_add"),
        {
            "programme": world.programme.pk,
            "approved_by": midwife.pk,
            "approved_on": "2026-11-09",
            "note": "Booklet edition 2, flag rules and danger signs read in full.",
        },
    )
    assert response.status_code == 302
    approval = ClinicalRulesApproval.objects.get()
    assert (approval.approved_by, approval.recorded_by) == (midwife, coordinator)
    assert approval.note == "Booklet edition 2, flag rules and danger signs read in full."


def test_the_admin_puts_a_non_midwife_approver_on_its_field(client, coordinator, world):
    client.force_login(coordinator)
    other = f.UserFactory(username="tono-bidan-bukan", role="coordinator", areas=[world.wedi])
    response = client.post(
        _url("admin:programmes_clinicalrulesapproval_add"),
        {"programme": world.programme.pk, "approved_by": other.pk, "approved_on": "2026-11-09"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["approved_by"]
    assert not ClinicalRulesApproval.objects.exists()


def test_a_cadre_cannot_record_an_approval(client, cadre_user, midwife, world):
    client.force_login(cadre_user)
    response = client.post(
        _url("admin:programmes_clinicalrulesapproval_add"),
        {"programme": world.programme.pk, "approved_by": midwife.pk, "approved_on": "2026-11-09"},
    )
    assert response.status_code in {302, 403}
    assert not ClinicalRulesApproval.objects.exists()
