"""The midwife's village list: every mother in scope with stage, adherence and open flags, sorted
and filtered in the database, in a bounded number of queries."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.urls import reverse

from kaderasi.care.models import Mother, Pairing, PairingEndReason, Pregnancy, ScheduledSession
from kaderasi.care.services.common import district_of
from kaderasi.care.tests.factories import at, delivered, session
from kaderasi.care.village_list import VillageFilters, village_list
from kaderasi.core import clock
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NOW = at(10, 15)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def mothers(world):
    on_day_2 = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(8, 23, 30),
        now=NOW,
        name="Ny. Dua",
    )
    session(on_day_2, at(9, 7), now=NOW)  # day 1 morning done, evening missed, day 2 morning missed
    flagged = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(9, 23, 0),
        now=NOW,
        name="Ny. Bendera",
    )
    from kaderasi.care import services

    services.measurement_record(
        mother=flagged, kind="infant_weight", measured_at=at(10, 8), value=2650, now=NOW
    )
    pregnant = f.MotherFactory(programme=world.programme, posyandu=world.mawar, name="Ny. Hamil")
    Pregnancy.objects.create(mother=pregnant, last_menstrual_period=dt.date(2026, 3, 1))
    outside = f.MotherFactory(programme=world.programme, posyandu=world.kenanga, name="Ny. Canan")
    return {"day_2": on_day_2, "flagged": flagged, "pregnant": pregnant, "outside": outside}


def _rows(user, **filters):
    page = village_list(user, filters=VillageFilters(**filters), now=NOW)
    return {row.mother.name: row for row in page.object_list}


def test_the_list_shows_stage_adherence_and_open_flags_of_every_mother_in_scope(midwife, mothers):
    rows = _rows(midwife)
    assert set(rows) == {"Ny. Dua", "Ny. Bendera", "Ny. Hamil"}
    day_2 = rows["Ny. Dua"]
    assert (day_2.stage, day_2.postpartum_day) == ("postpartum", 2)
    assert (day_2.sessions_done, day_2.sessions_due, day_2.adherence_percent) == (1, 3, 33)
    flagged = rows["Ny. Bendera"]
    # Delivered at 23:00 the night before: her first (morning) window closed at 13:30, undone.
    assert (flagged.open_flags, flagged.red_flags, flagged.adherence_percent) == (1, 1, 0)
    pregnant = rows["Ny. Hamil"]
    assert (pregnant.stage, pregnant.gestational_age.weeks) == ("pregnant", 36)


def test_the_list_is_sorted_and_filtered_in_the_database(midwife, mothers):
    def names(**f):
        return [
            row.mother.name
            for row in village_list(midwife, filters=VillageFilters(**f), now=NOW).object_list
        ]

    assert names() == ["Ny. Bendera", "Ny. Dua", "Ny. Hamil"]  # red flags first
    assert names(sort="name") == ["Ny. Bendera", "Ny. Dua", "Ny. Hamil"]
    assert names(sort="-name") == ["Ny. Hamil", "Ny. Dua", "Ny. Bendera"]
    assert names(sort="adherence") == ["Ny. Bendera", "Ny. Dua", "Ny. Hamil"]
    assert names(sort="-adherence") == ["Ny. Dua", "Ny. Bendera", "Ny. Hamil"]
    assert names(stage="pregnant") == ["Ny. Hamil"]
    assert names(flagged_only=True) == ["Ny. Bendera"]
    assert names(unpaired_only=True, sort="name") == ["Ny. Bendera", "Ny. Dua", "Ny. Hamil"]
    assert names(search="dua") == ["Ny. Dua"]


def test_the_list_page_filters_with_htmx_and_returns_only_the_results(client, midwife, mothers):
    client.force_login(midwife)
    response = client.get(
        reverse("care:mother-list"), {"stage": "pregnant"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="village-results"')
    assert "Ny. Hamil" in page
    assert "Ny. Dua" not in page


def test_the_midwifes_home_shows_her_open_referrals_and_her_villages_list(client, midwife, mothers):
    client.force_login(midwife)
    response = client.get("/")
    assert [r.mother.name for r in response.context["referrals"]] == ["Ny. Bendera"]
    assert {row.mother.name for row in response.context["rows"]} == {
        "Ny. Dua",
        "Ny. Bendera",
        "Ny. Hamil",
    }


def test_the_adherence_counts_only_live_sessions(midwife, mothers):
    ScheduledSession.objects.filter(mother=mothers["day_2"], slot=2).update(cancelled_at=NOW)
    day_2 = _rows(midwife)["Ny. Dua"]
    assert (day_2.sessions_done, day_2.sessions_due) == (1, 2)


def _thousand_mothers(world, count):
    district = district_of(world.mawar)
    mothers = Mother.objects.bulk_create(
        Mother(programme=world.programme, posyandu=world.mawar, code=f"B{i:05d}", name=f"Ibu {i}")
        for i in range(count)
    )
    pregnancies = Pregnancy.objects.bulk_create(
        Pregnancy(mother=m, last_menstrual_period=dt.date(2026, 2, 1)) for m in mothers
    )
    from kaderasi.care.models import Delivery

    Delivery.objects.bulk_create(
        Delivery(pregnancy=p, delivered_at=at(9, 3)) for p in pregnancies[: count // 2]
    )
    cadre = f.CadreFactory(programme=world.programme, posyandu=world.mawar)
    Pairing.objects.bulk_create(
        Pairing(mother=m, cadre=cadre, starts_at=at(9, 5)) for m in mothers[: count // 2]
    )
    ScheduledSession.objects.bulk_create(
        ScheduledSession(
            mother=m,
            district=district,
            postpartum_day=day,
            slot=1,
            window_starts_at=at(8 + day, 6),
            window_ends_at=at(8 + day, 13, 30),
        )
        for m in mothers[: count // 2]
        for day in (1, 2)
    )


@pytest.mark.parametrize("sort", ["flags", "adherence", "stage", "village"])
def test_the_list_of_1000_mothers_renders_in_a_bounded_number_of_queries(
    client, midwife, world, django_assert_max_num_queries, sort
):
    _thousand_mothers(world, 1000)
    client.force_login(midwife)
    client.get("/")  # warm the session and the user
    with django_assert_max_num_queries(12):
        response = client.get(reverse("care:mother-list"), {"sort": sort})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1000
    assert len(response.context["rows"]) == 50


def test_the_list_query_count_does_not_grow_with_the_mothers(client, midwife, world):
    _thousand_mothers(world, 60)
    client.force_login(midwife)
    client.get("/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("care:mother-list"), QueryDict("page=2"))
    Mother.objects.bulk_create(
        Mother(programme=world.programme, posyandu=world.mawar, code=f"C{i:05d}", name=f"Ibu C{i}")
        for i in range(500)
    )
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("care:mother-list"), QueryDict("page=2"))
    assert len(many) == len(few)


def test_the_search_finds_a_mother_by_her_whole_nik_or_phone_through_their_hashes(midwife, mothers):
    dua = Mother.objects.get(name="Ny. Dua")
    dua.nik, dua.phone = "3310014101900001", "+6281234567890"
    dua.save()

    def names(search):
        filters = VillageFilters(search=search)
        return [row.mother.name for row in village_list(midwife, filters=filters, now=NOW)]

    assert names("3310014101900001") == ["Ny. Dua"]
    assert names("0812 3456 7890") == ["Ny. Dua"]
    assert names("7890") == []


def test_the_flags_sort_reads_the_delivery_of_her_latest_pregnancy_only(midwife, mothers, world):
    """Regression (issue 15): the delivery subquery is shaped for the unique index on a
    delivery's pregnancy (a join of deliveries in it cost 3.8 s on PostgreSQL at 5,000
    mothers); the order it gives is unchanged: red flags, open flags, stage, latest delivery."""
    again = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(9, 8),
        now=NOW,
        name="Ny. Lagi",
    )
    # A later pregnancy, not yet delivered: she is pregnant again, not post-partum.
    Pregnancy.objects.filter(mother=again).update(created_at=at(1, 8))
    Pregnancy.objects.create(mother=again, last_menstrual_period=dt.date(2026, 6, 1))
    rows = village_list(midwife, filters=VillageFilters(sort="flags"), now=NOW)
    assert [(row.mother.name, row.stage) for row in rows.object_list] == [
        ("Ny. Bendera", "postpartum"),
        ("Ny. Dua", "postpartum"),
        ("Ny. Hamil", "pregnant"),
        ("Ny. Lagi", "pregnant"),
    ]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        list(village_list(midwife, filters=VillageFilters(sort="flags"), now=NOW).object_list)
    listing = max((query["sql"] for query in captured), key=len)
    assert 'JOIN "care_delivery"' not in listing


def test_the_list_marks_no_cadre_on_exactly_the_mothers_the_home_says_wait_for_one(
    client, midwife, mothers, world
):
    """One rule (`awaits_cadre`) for the list's mark and the home's "waiting for a cadre": a
    mother whose puerperium ended, or whose accompaniment was completed, waits for none."""
    finished = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(9, 23, 0) - dt.timedelta(days=60),
        now=NOW,
        name="Ny. Selesai",
    )
    Pairing.objects.filter(mother=finished).delete()
    Pairing.objects.create(
        mother=mothers["day_2"],
        cadre=f.CadreFactory(programme=world.programme, posyandu=world.mawar),
        starts_at=at(9, 5),
        ends_at=at(10, 8),
        end_reason=PairingEndReason.COMPLETED,
    )
    client.force_login(midwife)
    page = client.get(reverse("care:mother-list"), {"sort": "name"}).content.decode()
    marked = {
        name
        for name in ("Ny. Selesai", "Ny. Dua", "Ny. Hamil", "Ny. Bendera")
        if 'class="pill muted"' in page.split(f">{name}<", 1)[1].split("</li>", 1)[0]
    }
    assert marked == {"Ny. Hamil", "Ny. Bendera"}
    home = client.get("/").context["awaiting_cadre"]
    assert {row.mother.name for row in home} == marked
