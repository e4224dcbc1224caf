"""Every number on a dashboard links to the list behind it, in the same area and period, and that
list has exactly as many rows as the number (the hand-counted field of conftest.py)."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.care.models import Mother
from kaderasi.reports.rollups import rollups_rebuild
from kaderasi.reports.tests import factories as r
from kaderasi.reports.tests.conftest import NOW
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NOVEMBER = {"period": "custom", "starts_on": "2026-11-01", "ends_on": "2026-11-30"}


@pytest.fixture
def counted(field, monkeypatch):
    # Registered on a fixed day in November, whatever day the tests run.
    Mother.objects.update(created_at=r.at("2026-11-15", 9))
    rollups_rebuild(now=NOW)
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)
    return field


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', html)]


def link_to(html: str, path: str, **wanted: str) -> str:
    """The one link to `path` whose query holds every `wanted` parameter."""
    found = []
    for href in links(html):
        parts = urlsplit(href)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if parts.path.endswith(path) and all(query.get(k) == v for k, v in wanted.items()):
            found.append(href)
    assert len(found) == 1, (path, wanted, found)
    return found[0]


def listed(client, href: str) -> list:
    response = client.get(href)
    assert response.status_code == 200
    assert not response.context["form"].errors
    return list(response.context["page"].object_list)


def test_the_period_tiles_link_to_the_mothers_and_referrals_they_count(
    client, counted, coordinator
):
    client.force_login(coordinator)
    response = client.get(reverse("reports:dashboard"), NOVEMBER)
    board, html = response.context["board"], response.content.decode()

    delivered = listed(client, link_to(html, "/dashboard/mothers/", show="delivered_in_period"))
    registered = listed(client, link_to(html, "/dashboard/mothers/", show="registered_in_period"))
    opened = listed(client, link_to(html, "/dashboard/referrals/", opened="period"))

    assert sorted(row.mother.code for row in delivered) == ["M1", "M4"]
    assert len(delivered) == board.period["deliveries"]
    assert len(registered) == board.period["mothers_registered"] == 5
    # Opened in November, closed or not: M1 (red) and M4 (amber); M3's was opened in September.
    assert [referral.mother.code for referral in opened] == ["M4", "M1"]
    assert (
        len(opened)
        == board.period["referrals_opened_red"] + (board.period["referrals_opened_amber"])
    )


def test_a_closed_referral_opened_in_the_period_is_listed_with_those_opened(
    client, counted, coordinator, world
):
    mother = counted.mothers["M1"]
    r.referral(mother, severity="amber", opened_at=r.at("2026-11-20", 9), status="closed")
    rollups_rebuild(now=NOW)
    client.force_login(coordinator)
    html = client.get(reverse("reports:dashboard"), NOVEMBER).content.decode()

    opened = listed(client, link_to(html, "/dashboard/referrals/", opened="period"))

    assert [referral.opened_at for referral in opened] == sorted(
        referral.opened_at for referral in opened
    )
    assert len(opened) == 3


def test_each_cell_of_the_referral_age_table_links_to_its_referrals(client, counted, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("reports:dashboard"), NOVEMBER)
    html = response.content.decode()

    for age in response.context["board"].referral_ages:
        for severity, number in (("red", age.red), ("amber", age.amber)):
            href = link_to(html, "/dashboard/referrals/", severity=severity, age=age.key)
            assert len(listed(client, href)) == number, (age.key, severity)
    yesterday = link_to(html, "/dashboard/referrals/", severity="red", age="1-2")
    three_days = link_to(html, "/dashboard/referrals/", severity="amber", age="3-6")
    assert [x.mother.code for x in listed(client, yesterday)] == ["M1"]  # opened 28 Nov
    assert [x.mother.code for x in listed(client, three_days)] == ["M4"]  # opened 26 Nov


def test_a_knowledge_card_links_to_the_cadres_it_averages(client, counted, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("reports:dashboard"), NOVEMBER)
    (row,) = response.context["board"].knowledge

    href = link_to(response.content.decode(), "/dashboard/cadres/", training=row.training_public_id)
    cadres = listed(client, href)

    assert [cadre.cadre.code for cadre in cadres] == ["KK1", "KM1", "KM2"]  # KM3: post-test only
    assert len(cadres) == row.pairs


def test_a_training_outside_the_viewers_programmes_is_not_found(client, counted, midwife, world):
    hidden = f.TrainingFactory(programme=world.other_programme, title="Pelatihan lain")
    client.force_login(midwife)

    response = client.get(reverse("reports:dashboard-cadres"), {"training": str(hidden.public_id)})

    assert response.status_code == 404


def test_the_area_drill_down_keeps_the_period_and_the_granularity(
    client, counted, coordinator, world
):
    client.force_login(coordinator)
    query = {**NOVEMBER, "granularity": "month"}
    html = client.get(reverse("reports:dashboard"), query).content.decode()

    href = link_to(html, "/dashboard/", area=str(world.pandes.public_id))
    drilled = client.get(href)

    board = drilled.context["board"]
    assert board.filters.area == world.pandes
    assert (board.filters.starts_on.isoformat(), board.filters.ends_on.isoformat()) == (
        "2026-11-01",
        "2026-11-30",
    )
    assert board.filters.granularity == "month"


def test_each_number_of_the_table_by_area_links_to_its_list_for_that_area(
    client, counted, coordinator, world
):
    client.force_login(coordinator)
    response = client.get(reverse("reports:dashboard"), NOVEMBER)
    html = response.content.decode()
    canan = next(row for row in response.context["board"].breakdown if row.area == world.canan)
    area = str(world.canan.public_id)

    mothers = listed(client, link_to(html, "/dashboard/mothers/", show="all", area=area))
    accompanied = listed(
        client, link_to(html, "/dashboard/mothers/", show="accompanied", area=area)
    )
    referrals = listed(client, link_to(html, "/dashboard/referrals/", area=area))
    certified = listed(client, link_to(html, "/dashboard/cadres/", show="certified", area=area))

    assert [row.mother.code for row in mothers] == ["M4"]
    assert len(mothers) == canan.mothers
    assert len(accompanied) == canan.accompanied == 0
    assert len(referrals) == canan.open_referrals == 1
    assert [row.cadre.code for row in certified] == ["KK1"]
    assert len(certified) == canan.cadres_certified


def test_the_table_by_posyandu_links_to_lists_of_that_posyandu(client, counted, coordinator, world):
    client.force_login(coordinator)
    query = {**NOVEMBER, "area": str(world.pandes.public_id)}
    html = client.get(reverse("reports:dashboard"), query).content.decode()
    mawar = str(world.mawar.public_id)

    mothers = listed(client, link_to(html, "/dashboard/mothers/", show="all", area=mawar))

    assert sorted(row.mother.code for row in mothers) == ["M1", "M2", "M3", "M6"]


def test_a_mothers_list_shows_a_missing_volume_as_a_dash_and_keeps_the_unit(
    client, counted, coordinator, world
):
    mother = f.delivered_mother(
        programme=world.programme,
        posyandu=world.mawar,
        code="M7",
        delivered_at=r.at("2026-11-28", 6),
    )
    r.milk(mother, measured_at=r.at("2026-11-28", 9), value=6, basis="single_expression")
    r.milk(
        mother,
        measured_at=r.at("2026-11-28", 10),
        value=6,
        basis="single_expression",
        phase="before",
    )
    rollups_rebuild(now=NOW)
    client.force_login(coordinator)

    html = client.get("/en/dashboard/mothers/", {"show": "postpartum", **NOVEMBER}).content.decode()

    assert "Milk: 6 ml → —<" in " ".join(html.split())


@pytest.mark.parametrize(
    ("opened_at", "expected"),
    [
        (r.at("2026-11-29", 7), "oldest opened today"),
        (r.at("2026-11-28", 23), "oldest opened yesterday"),
        (r.at("2026-11-26", 9), "oldest opened 3 days ago"),
    ],
)
def test_the_oldest_open_referral_reads_today_yesterday_or_days_ago(
    client, world, coordinator, monkeypatch, opened_at, expected
):
    mother = f.delivered_mother(
        programme=world.programme,
        posyandu=world.mawar,
        code="M9",
        delivered_at=r.at("2026-11-25", 6),
    )
    r.referral(mother, severity="red", opened_at=opened_at)
    rollups_rebuild(now=NOW)
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)
    client.force_login(coordinator)

    with translation.override("en"):
        html = client.get("/en/dashboard/").content.decode()

    assert expected in html


def test_the_cadre_list_never_calls_a_certified_cadre_not_trained(
    client, counted, coordinator, world
):
    by_training = f.CadreFactory(programme=world.programme, posyandu=world.mawar, code="KM8")
    f.CertificateFactory(cadre=by_training, training=counted.training)
    by_hand = f.CadreFactory(programme=world.programme, posyandu=world.mawar, code="KM9")
    f.CertificateFactory(cadre=by_hand)
    rollups_rebuild(now=NOW)
    client.force_login(coordinator)

    response = client.get("/en/dashboard/cadres/", {"show": "certified"})

    items = {
        code: " ".join(item.split())
        for code, item in re.findall(
            r'<li class="cadre-item">.*?muted small">(\w+)</span>(.*?)</li>',
            response.content.decode(),
            re.S,
        )
    }
    assert "Trained 10 Nov 2026" in items["KM8"]
    assert "No training recorded in this programme" in items["KM9"]
    assert not any("Not trained yet" in item for item in items.values())


def test_the_coordinator_sees_how_many_cadres_were_paired_without_a_certificate_and_why(
    client, counted, coordinator, world
):
    f.PairingFactory(
        mother=counted.mothers["M6"],
        cadre=counted.cadres["KM3"],  # no certificate
        starts_at=r.at("2026-11-20", 9),
        certification_override_reason="Satu-satunya kader di dusun ini; sertifikasi 12 Des",
        certification_override_by=coordinator,
    )
    rollups_rebuild(now=NOW)
    client.force_login(coordinator)

    response = client.get("/en/dashboard/", NOVEMBER)
    href = link_to(response.content.decode(), "/dashboard/overrides/", period="custom")
    listed_page = client.get(href)

    assert response.context["board"].mothers["certification_overrides"] == 1
    (pairing,) = listed_page.context["page"].object_list
    assert (pairing.mother.code, pairing.cadre.code) == ("M6", "KM3")
    text = " ".join(listed_page.content.decode().split())
    assert "Reason: Satu-satunya kader di dusun ini; sertifikasi 12 Des" in text
    assert f"recorded by {coordinator.get_full_name() or coordinator.username}" in text


def test_a_midwife_never_sees_an_override_of_another_village(client, counted, midwife, world):
    f.PairingFactory(
        mother=counted.mothers["M4"],  # Canan
        cadre=counted.cadres["KM3"],
        starts_at=r.at("2026-11-25", 9),
        certification_override_reason="Darurat",
        certification_override_by=f.UserFactory(username="koor", role="coordinator"),
    )
    rollups_rebuild(now=NOW)
    client.force_login(midwife)

    board = client.get(reverse("reports:dashboard"), NOVEMBER).context["board"]
    listed_page = client.get(reverse("reports:dashboard-overrides"), NOVEMBER)

    assert board.mothers["certification_overrides"] == 0
    assert list(listed_page.context["page"].object_list) == []
