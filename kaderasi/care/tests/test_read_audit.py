"""The read audit (issue 14, item 7): every interface that shows or hands out a mother's
identifiable data leaves exactly one entry for her, with who, when and from which address; her
coordinator reads them on a page of her own."""

import io
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from kaderasi.api.tests.conftest import Phone
from kaderasi.care.models import MotherRead, ReadInterface, Referral
from kaderasi.care.tests.factories import at, delivered
from kaderasi.core import clock
from kaderasi.reports.models import ExportStatus, ReportExport
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NOW = at(12, 9)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def reading(world, client, coordinator, midwife, settings, tmp_path):
    """A mother with a referral (a weight loss), a coordinator signed in, a midwife's phone."""
    settings.MEDIA_ROOT = tmp_path
    mother = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(8, 23, 30),
        now=NOW,
        birth_weight_g=3000,
    )
    from kaderasi.care import services

    services.measurement_record(
        mother=mother, kind="infant_weight", measured_at=at(11, 8), value=2690, now=NOW
    )
    f.delivered_mother(programme=world.programme, posyandu=world.mawar)  # another mother
    client.force_login(coordinator)
    return SimpleNamespace(
        world=world,
        mother=mother,
        client=client,
        coordinator=coordinator,
        phone=Phone(midwife, NOW),
        tmp_path=tmp_path,
    )


def _report_download(r):
    export = ReportExport(
        programme=r.world.programme,
        requested_by=r.coordinator,
        format="xlsx",
        pseudonymised=False,
        status=ExportStatus.DONE,
        finished_at=NOW,
    )
    export.file.save("report.xlsx", ContentFile(b"PK"), save=True)
    return r.client.get(reverse("reports:export-download", args=[export.public_id]))


def _command_export(r):
    out = r.tmp_path / "programme.xlsx"
    call_command("export-programme", r.world.programme.slug, "--output", out, stdout=io.StringIO())


READS = {
    ReadInterface.MOTHER_PAGE: lambda r: r.client.get(
        reverse("mother-detail", args=[r.mother.public_id])
    ),
    ReadInterface.REMINDERS_PAGE: lambda r: r.client.get(
        reverse("reminders:mother-reminders", args=[r.mother.public_id])
    ),
    ReadInterface.REFERRAL: lambda r: r.client.get(
        reverse("care:referral-detail", args=[Referral.objects.get(mother=r.mother).public_id])
    ),
    ReadInterface.FHIR_DOWNLOAD: lambda r: r.client.get(
        reverse("interop:mother-fhir", args=[r.mother.public_id])
    ),
    ReadInterface.WORKBOOK_EXPORT: lambda r: r.client.get(
        reverse("interop:export-workbook", args=[r.world.programme.slug])
    ),
    ReadInterface.REPORT_DOWNLOAD: _report_download,
    ReadInterface.API_PULL: lambda r: r.phone.pull(),
    ReadInterface.API_MOTHER: lambda r: r.phone.get(f"/api/v1/mothers/{r.mother.public_id}"),
    ReadInterface.COMMAND_EXPORT: _command_export,
    ReadInterface.SUBJECT_EXPORT: lambda r: r.client.get(
        reverse("privacy:mother-data-export", args=[r.mother.public_id])
    ),
}


def test_every_read_interface_is_in_the_figure():
    assert set(READS) == set(ReadInterface)


@pytest.mark.parametrize("interface", list(READS))
def test_each_read_interface_leaves_exactly_one_entry_for_the_mother(reading, interface):
    response = READS[interface](reading)
    if response is not None:
        assert response.status_code == 200, interface
    entries = list(MotherRead.objects.filter(mother=reading.mother))
    assert [entry.interface for entry in entries] == [interface]
    entry = entries[0]
    assert entry.at == NOW
    if interface == ReadInterface.COMMAND_EXPORT:
        assert (entry.user, entry.address) == (None, None)
    else:
        expected = reading.phone.user if interface.startswith("api_") else reading.coordinator
        assert (entry.user, entry.address) == (expected, "127.0.0.1")


def test_the_figure_every_interface_once_one_entry_each(reading, capsys):
    for read in READS.values():
        read(reading)
    counts = {
        interface: MotherRead.objects.filter(mother=reading.mother, interface=interface).count()
        for interface in READS
    }
    with capsys.disabled():
        print(f"\nread audit: {len(READS)} read interfaces, entries per interface: {counts}")
    assert set(counts.values()) == {1}


def test_a_pseudonymised_export_is_not_a_read_of_her_identity(reading):
    url = reverse("interop:export-workbook", args=[reading.world.programme.slug])
    assert reading.client.get(url, {"pseudonymised": "1"}).status_code == 200
    assert not MotherRead.objects.exists()


def test_acting_on_a_referral_is_not_recorded_as_a_read(reading):
    referral = Referral.objects.get(mother=reading.mother)
    url = reverse("care:referral-detail", args=[referral.public_id])
    reading.client.post(url, {"action": "acknowledge"})
    assert not MotherRead.objects.exists()


def test_the_coordinator_reads_who_opened_her_record_and_a_midwife_may_not(
    reading, client, midwife
):
    READS[ReadInterface.FHIR_DOWNLOAD](reading)
    page = reading.client.get(reverse("care:mother-reads", args=[reading.mother.public_id]))
    text = page.content.decode()
    assert page.status_code == 200
    with translation.override("id"):  # the page's language: the interface by its label
        assert str(ReadInterface.FHIR_DOWNLOAD.label) in text and "127.0.0.1" in text
    assert reading.coordinator.username in text or reading.coordinator.get_full_name() in text
    mother_page = reading.client.get(reverse("mother-detail", args=[reading.mother.public_id]))
    assert reverse("care:mother-reads", args=[reading.mother.public_id]) in mother_page.text

    client.force_login(midwife)
    url = reverse("care:mother-reads", args=[reading.mother.public_id])
    assert client.get(url).status_code == 403


def test_another_regions_coordinator_does_not_find_the_page(reading, client):
    from kaderasi.accounts.models import Role

    stranger = f.UserFactory(role=Role.COORDINATOR, areas=[reading.world.kenanga])
    client.force_login(stranger)
    url = reverse("care:mother-reads", args=[reading.mother.public_id])
    assert client.get(url).status_code == 404
