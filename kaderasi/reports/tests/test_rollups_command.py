"""kaderasi rollups rebuild | refresh, the periodic task, and the admin pages of the reports app."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from kaderasi.reports.models import MotherRollup, ProgrammeReport, RollupState
from kaderasi.reports.tasks import rollups_refresh_task
from kaderasi.reports.tests import factories as r

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("rollups", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_rebuild_counts_everything_and_says_how_much(field):
    output = run("rebuild")

    assert "6 mothers, 5 cadres" in output
    assert MotherRollup.objects.count() == 6
    assert RollupState.objects.get().last_rebuild_at is not None


def test_refresh_after_a_rebuild_recomputes_what_changed(field):
    run("rebuild")
    r.milk(field.mothers["M4"], measured_at=r.at("2026-11-28", 12), value=60)

    output = run("refresh")

    assert "Rollups refreshed" in output
    assert r.mother_rollup(field.mothers["M4"]).milk_volumes == 2


def test_the_periodic_task_refreshes(field):
    result = rollups_refresh_task.call()

    assert result["rebuilt"] is True
    assert MotherRollup.objects.count() == 6


def test_an_unknown_action_is_refused(field):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        run("erase")


@pytest.mark.parametrize(
    "model_name",
    [
        "programmereport",
        "reportexport",
        "motherrollup",
        "cadrerollup",
        "posyandudayrollup",
        "knowledgerollup",
        "rollupstate",
    ],
)
def test_every_reports_model_has_an_admin_list(client, field, admin_user, model_name):
    run("rebuild")
    client.force_login(admin_user)

    response = client.get(reverse(f"admin:reports_{model_name}_changelist"), {"q": "a"})

    assert response.status_code == 200


def test_rollups_are_read_only_in_the_admin(client, field, admin_user):
    run("rebuild")
    client.force_login(admin_user)

    assert client.get(reverse("admin:reports_motherrollup_add")).status_code == 403


def test_the_admin_saves_report_settings_through_the_service(client, field, coordinator, world):
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:reports_programmereport_add"),
        {
            "programme": world.programme.pk,
            "conclusion_id": "Kesimpulan.",
            "conclusion_en": "",
            "good_band_from": "80",
            "fair_band_from": "60",
            "bands_source": "Programme decision, 2026",
        },
    )

    assert response.status_code == 302
    report = ProgrammeReport.objects.get(programme=world.programme)
    assert (report.conclusion_id, report.good_band_from, report.updated_by) == (
        "Kesimpulan.",
        80,
        coordinator,
    )


def test_the_admin_refuses_bands_out_of_order_and_saves_nothing(client, field, coordinator, world):
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:reports_programmereport_add"),
        {
            "programme": world.programme.pk,
            "good_band_from": "50",
            "fair_band_from": "60",
            "bands_source": "x",
        },
    )

    assert response.status_code == 200
    assert "good_band_from" in response.context["adminform"].form.errors
    assert not ProgrammeReport.objects.exists()
