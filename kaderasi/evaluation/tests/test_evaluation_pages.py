"""The evaluation page and its downloads: who may see them, and over which rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.accounts.models import Role
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

WIB = dt.timezone(dt.timedelta(hours=7))
DELIVERED_AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=WIB)


@pytest.fixture
def outcomes(world):
    """Wedi: one mother in Pandes (40 → 300 ml) and one in Canan (60 → 100 ml)."""
    for code, posyandu, before, after in (
        ("M-PANDES", world.mawar, 40, 300),
        ("M-CANAN", world.kenanga, 60, 100),
    ):
        mother = f.delivered_mother(
            programme=world.programme, posyandu=posyandu, code=code, delivered_at=DELIVERED_AT
        )
        for phase, value, hours in (("before", before, 6), ("after", after, 54)):
            f.MeasurementFactory(
                mother=mother,
                phase=phase,
                value=Decimal(value),
                measured_at=DELIVERED_AT + dt.timedelta(hours=hours),
            )


@pytest.fixture
def other_coordinator(world):
    """A coordinator of Sleman, who has nothing to do with the Wedi programme."""
    return f.UserFactory(username="eka-koordinator", role=Role.COORDINATOR, areas=[world.sleman])


PAGES = ["evaluation:programme", "evaluation:programme-workbook", "evaluation:programme-pdf"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("coordinator", 200),
        ("midwife", 200),
        ("district_officer", 200),
        ("cadre_user", 403),
        ("other_coordinator", 404),
    ],
)
def test_who_may_see_the_evaluation_of_the_wedi_programme(
    request, client, world, outcomes, persona, status, page, monkeypatch
):
    # Access is what is tested here; the document itself is tested with the command.
    monkeypatch.setattr("kaderasi.evaluation.views.render_pdf", lambda sections, **_: b"%PDF")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse(page, args=[world.programme.slug]))
    assert response.status_code == status


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, world):
    response = client.get(reverse("evaluation:programme", args=[world.programme.slug]))
    assert response.status_code == 302
    assert "/login/" in response.url


def test_the_coordinator_of_the_programme_sees_both_mothers(client, world, outcomes, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("evaluation:programme", args=[world.programme.slug]))
    sections = {section.key: section for section in response.context["sections"]}
    change = sections["milk_volume"].tables[1]
    assert change.rows[0][1].value == 2  # pairs analysed
    assert change.rows[2][1].value == 150.0  # mean of 260 and 40
    assert "These results count only" not in response.content.decode()


def test_a_midwife_sees_results_over_the_mothers_of_her_village_only(
    client, world, outcomes, midwife
):
    client.force_login(midwife)
    with translation.override("en"):
        response = client.get(reverse("evaluation:programme", args=[world.programme.slug]))
    sections = {section.key: section for section in response.context["sections"]}
    change = sections["milk_volume"].tables[1]
    assert change.rows[0][1].value == 1
    assert change.rows[2][1].value == 260.0
    assert "These results count only the cadres and mothers of your area." in (
        response.content.decode()
    )


def test_the_workbook_download_holds_the_scoped_numbers(client, world, outcomes, midwife):
    client.force_login(midwife)
    response = client.get(reverse("evaluation:programme-workbook", args=[world.programme.slug]))
    assert response["Content-Disposition"] == 'attachment; filename="wedi-2026-evaluation.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    values = [
        cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row
    ]
    assert 260 in values
    assert 150 not in values


def test_the_programme_page_links_to_the_evaluation_by_role(client, world, coordinator, midwife):
    client.force_login(coordinator)
    page = client.get(reverse("programme-detail", args=[world.programme.slug])).content.decode()
    assert reverse("evaluation:programme", args=[world.programme.slug]) in page
    assert reverse("interop:export", args=[world.programme.slug]) in page
    client.force_login(midwife)
    page = client.get(reverse("programme-detail", args=[world.programme.slug])).content.decode()
    assert reverse("evaluation:programme", args=[world.programme.slug]) in page
    assert reverse("interop:export", args=[world.programme.slug]) not in page
    assert reverse("interop:import") not in page
