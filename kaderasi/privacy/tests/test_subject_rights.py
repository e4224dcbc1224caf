"""A mother's rights under UU PDP (issue 14, item 11): everything held about her as JSON, her
identity erased on request (confirmed, audited) or when the programme's retention runs out, and
the district office seeing codes and numbers, not names, unless the programme grants it."""

import datetime as dt
import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from kaderasi.care import services as care
from kaderasi.care.models import Measurement, Mother, MotherRead, ReadInterface
from kaderasi.care.tests.factories import at, delivered
from kaderasi.core import clock
from kaderasi.core.errors import DomainError
from kaderasi.core.tests.test_no_plain_identifiers_in_a_dump import database_text
from kaderasi.privacy.errors import PrivacyErrorCode
from kaderasi.privacy.services import mother_pseudonymise, retention_sweep
from kaderasi.reminders.models import FamilyMember
from kaderasi.worker.periodic import PERIODIC_JOBS

pytestmark = pytest.mark.django_db

NOW = at(12, 9)
NIK, PHONE, NAME = "3310014101900001", "+6281234567890", "Ny. Siti Rahayu"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def mother(world, coordinator):
    mother = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(8, 23, 30),
        now=NOW,
        birth_weight_g=3000,
        name=NAME,
    )
    mother.nik, mother.phone = NIK, PHONE
    mother.save()
    care.measurement_record(
        mother=mother, kind="infant_weight", measured_at=at(11, 8), value=2690, now=NOW
    )
    FamilyMember.objects.create(
        mother=mother, name="Bu Suminah", relationship="parent", phone="+6281298765432"
    )
    return mother


def test_her_data_export_holds_her_identity_and_every_record_as_json(client, midwife, mother):
    client.force_login(midwife)
    response = client.get(reverse("privacy:mother-data-export", args=[mother.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'"{mother.code}-data.json"')
    data = json.loads(response.content)
    assert data["format"] == "kaderasi.mother-data"
    assert (data["mother"]["name"], data["mother"]["nik"], data["mother"]["phone"]) == (
        NAME,
        NIK,
        PHONE,
    )
    assert "nik_hash" not in data["mother"]
    records = data["records"]
    for table in (
        "care.Pregnancy",
        "care.Delivery",
        "care.Infant",
        "care.Measurement",
        "care.ScheduledSession",
        "care.Flag",
        "care.Referral",
        "reminders.FamilyMember",
    ):
        assert records.get(table), table
    assert records["reminders.FamilyMember"][0]["phone"] == "+6281298765432"
    assert any(entry["table"] == "care.Mother" for entry in data["audit_log"])
    assert MotherRead.objects.get(mother=mother).interface == ReadInterface.SUBJECT_EXPORT


def test_a_cadre_cannot_export_or_erase_a_mother(client, cadre_user, mother):
    client.force_login(cadre_user)
    for name in ("privacy:mother-data-export", "privacy:mother-erase"):
        assert client.get(reverse(name, args=[mother.public_id])).status_code == 403


def test_erasing_asks_for_her_code_and_a_reason(client, midwife, mother):
    client.force_login(midwife)
    with translation.override("en"):  # the page in English
        url = reverse("privacy:mother-erase", args=[mother.public_id])
    page = client.post(url, {"reason": "Her request", "confirm_code": "M999"})
    assert page.status_code == 200
    assert f"Type the mother&#x27;s code, {mother.code}, to confirm." in page.text
    mother.refresh_from_db()
    assert mother.pseudonymised_at is None and mother.name == NAME


def test_erasing_her_identity_keeps_her_records_under_her_code_and_leaves_no_trace(
    client, midwife, mother
):
    client.force_login(midwife)
    url = reverse("privacy:mother-erase", args=[mother.public_id])
    reason = "Her written request of 12 November"
    response = client.post(url, {"reason": reason, "confirm_code": mother.code.lower()})
    assert response.status_code == 302

    mother.refresh_from_db()
    assert (mother.name, mother.nik, mother.phone, mother.birth_date) == (
        f"[{mother.code}]",
        "",
        "",
        None,
    )
    assert (mother.nik_hash, mother.phone_hash, mother.pseudonymised_at) == ("", "", NOW)
    member = FamilyMember.objects.get(mother=mother)
    assert (member.name, member.phone, member.ended_at) == ("[erased]", "", NOW)
    assert Measurement.objects.filter(mother=mother).exists()  # the study's numbers stay

    erasure = LogEntry.objects.get_for_object(mother).order_by("-pk").first()
    assert erasure.actor == midwife and erasure.changes["reason"] == ["", reason]
    dump = database_text()
    # Her NIK as the audit log masks it ("************0001"): its last four digits alone followed
    # by a quote also end other values of the dump, by chance (a failed run of old main).
    for trace in (NAME, "Bu Suminah", "*" + NIK[-4:], PHONE):
        assert trace not in dump, trace


def test_a_mother_is_erased_only_once(midwife, mother):
    mother_pseudonymise(mother=mother, by=midwife, reason="request", now=NOW, confirm_code=None)
    with pytest.raises(DomainError) as refused:
        mother_pseudonymise(mother=mother, by=midwife, reason="again", now=NOW, confirm_code=None)
    assert refused.value.code == PrivacyErrorCode.ALREADY_PSEUDONYMISED


def test_the_retention_sweep_erases_identities_after_the_programmes_retention(world, mother):
    programme = world.programme
    assert "kaderasi.privacy.services.retention_sweep" in PERIODIC_JOBS
    assert retention_sweep(now=NOW) == 0  # the programme has not ended

    programme.ends_on = dt.date(2026, 11, 1)
    programme.identifiable_data_kept_days = 30
    programme.save()
    assert retention_sweep(now=NOW) == 0  # kept until 1 December
    assert retention_sweep(now=NOW + dt.timedelta(days=21)) == 1
    assert retention_sweep(now=NOW + dt.timedelta(days=22)) == 0
    mother.refresh_from_db()
    assert mother.name == f"[{mother.code}]" and mother.pseudonymised_at is not None
    erasure = LogEntry.objects.get_for_object(mother).order_by("-pk").first()
    # The reason names the day the retention ran out (in the language active when it ran).
    assert erasure.actor is None and "2026-12-01" in erasure.changes["reason"][1]


def test_the_retention_sweep_command_erases_what_ran_out_and_says_how_many(world, mother):
    world.programme.ends_on = dt.date(2026, 10, 1)
    world.programme.identifiable_data_kept_days = 30
    world.programme.save()
    out = io.StringIO()

    with translation.override("en"):
        call_command("retention-sweep", stdout=out)
        call_command("retention-sweep", stdout=out)

    assert out.getvalue() == "Identities erased: 1.\nIdentities erased: 0.\n"
    mother.refresh_from_db()
    assert (mother.name, mother.nik, mother.phone) == (f"[{mother.code}]", "", "")


def test_the_district_office_sees_codes_not_names_nor_her_pages(
    client, district_officer, world, mother
):
    client.force_login(district_officer)
    page = client.get(reverse("care:mother-list"))
    assert page.status_code == 200
    assert mother.code in page.text and NAME not in page.text
    assert client.get(reverse("mother-detail", args=[mother.public_id])).status_code == 404
    fhir = reverse("interop:mother-fhir", args=[mother.public_id])
    assert client.get(fhir).status_code in (403, 404)


def test_the_district_office_is_offered_no_link_to_a_page_it_may_not_open(
    client, district_officer, world, mother
):
    """Her code stands in a list without a link: the page behind it would answer 404 (the
    crawl of every page found those dead links)."""
    client.force_login(district_officer)
    detail = reverse("mother-detail", args=[mother.public_id])
    for page in (
        reverse("care:mother-list"),
        reverse("programme-detail", args=[world.programme.slug]),
    ):
        text = client.get(page).text
        assert mother.code in text, page
        assert detail not in text and NAME not in text, page

    world.programme.district_sees_names = True
    world.programme.save()
    assert detail in client.get(reverse("care:mother-list")).text


def test_a_programme_may_grant_the_district_office_names(client, district_officer, world, mother):
    world.programme.district_sees_names = True
    world.programme.save()
    client.force_login(district_officer)
    assert NAME in client.get(reverse("care:mother-list")).text
    assert client.get(reverse("mother-detail", args=[mother.public_id])).status_code == 200


def test_the_mothers_page_offers_her_data_and_erasure_to_her_midwife(client, midwife, mother):
    client.force_login(midwife)
    page = client.get(reverse("mother-detail", args=[mother.public_id])).text
    assert reverse("privacy:mother-data-export", args=[mother.public_id]) in page
    assert reverse("privacy:mother-erase", args=[mother.public_id]) in page
    assert Mother.objects.get(pk=mother.pk).pseudonymised_at is None
