"""kaderasi rollups rebuild | refresh, the periodic task, and the admin pages of the reports app."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from kaderasi.reports.models import MotherRollup, ProgrammeReport, RollupState
from kaderasi.reports.tasks import rollups_refresh_task
from kaderasi.reports.tests import factories as r

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    with translation.override("en"):
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
        {"programme": world.programme.pk, "conclusion_id": "Kesimpulan.", "conclusion_en": ""},
    )

    assert response.status_code == 302
    report = ProgrammeReport.objects.get(programme=world.programme)
    assert (report.conclusion_id, report.updated_by) == ("Kesimpulan.", coordinator)


def test_the_report_admin_has_no_bands_of_its_own(client, field, coordinator):
    # The knowledge bands are the programme's training policy (decision 0012).
    client.force_login(coordinator)

    form = client.get(reverse("admin:reports_programmereport_add")).context["adminform"].form

    assert list(form.fields) == ["programme", "conclusion_id", "conclusion_en"]
