"""Every change to personal and health data leaves an audit entry: who, when, what changed;
the NIK is masked even there (UU PDP)."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from kaderasi.care import services
from kaderasi.care.models import DangerSignReport
from kaderasi.tests import factories as f
from kaderasi.tests.admin_forms import mother_admin_form

pytestmark = pytest.mark.django_db


def test_an_admin_edit_of_a_mother_records_who_and_what_changed_with_the_nik_masked(
    client, world, coordinator
):
    mother = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, name="Ny. Lama", nik="3310014101900001"
    )
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:care_mother_change", args=[mother.pk]),
        mother_admin_form(
            programme=mother.programme,
            posyandu=mother.posyandu,
            mother=mother,
            name="Ny. Baru",
            nik="3310014101900002",
        ),
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(mother).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == coordinator
    assert entry.timestamp is not None
    assert entry.changes_dict["name"] == ["Ny. Lama", "Ny. Baru"]
    old_nik, new_nik = entry.changes_dict["nik"]
    assert "3310014101900001" not in old_nik and "3310014101900002" not in new_nik


def test_a_danger_sign_check_is_in_the_audit_trail(world, midwife, now):
    mother = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    services.danger_signs_report(mother=mother, observed_at=now, signs=[], by=midwife, now=now)
    report = DangerSignReport.objects.get()
    assert LogEntry.objects.get_for_object(report).filter(action=LogEntry.Action.CREATE).exists()
