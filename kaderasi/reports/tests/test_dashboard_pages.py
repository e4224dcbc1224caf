"""Dashboard pages: role × area scoping of every number and list, the lists behind the numbers,
and a number of queries that does not grow with the number of mothers."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.care.models import Delivery, Mother, Pregnancy
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.reports.dashboards import rollup_scope_q
from kaderasi.reports.models import CadreRollup, MotherRollup
from kaderasi.reports.rollups import rollups_rebuild
from kaderasi.reports.tests import factories as r
from kaderasi.reports.tests.conftest import NOW
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

PERSONAS = ["admin_user", "coordinator", "midwife", "district_officer", "cadre_user"]


@pytest.fixture
def counted(field, monkeypatch):
    rollups_rebuild(now=NOW)
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)
    return field


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_rollups_a_person_counts_are_exactly_the_people_she_may_see(counted, request, persona):
    user = request.getfixturevalue(persona)

    counted_mothers = set(
        MotherRollup.objects.filter(rollup_scope_q(user)).values_list("mother_id", flat=True)
    )
    counted_cadres = set(
        CadreRollup.objects.filter(rollup_scope_q(user)).values_list("cadre_id", flat=True)
    )

    visible_mothers = set(mothers_visible_to(user).values_list("pk", flat=True))
    visible_cadres = set(cadres_visible_to(user).values_list("pk", flat=True))
    if persona == "cadre_user":  # a cadre has no dashboard: she counts nobody
        assert counted_mothers == counted_cadres == set()
    else:
        assert counted_mothers == visible_mothers
        assert counted_cadres == visible_cadres


@pytest.mark.parametrize(
    ("persona", "template"),
    [
        ("midwife", "reports/dashboard_midwife.html"),
        ("coordinator", "reports/dashboard_coordinator.html"),
        ("district_officer", "reports/dashboard_district.html"),
        ("admin_user", "reports/dashboard_district.html"),
    ],
)
def test_each_role_gets_its_dashboard(client, counted, request, persona, template):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 200
    assert template in [t.name for t in response.templates]


def test_a_cadre_has_no_dashboard(client, counted, cadre_user):
    client.force_login(cadre_user)

    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:dashboard-mothers")).status_code == 403


def test_the_dashboard_asks_a_stranger_to_log_in(client, counted):
    response = client.get(reverse("reports:dashboard"))

    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_midwife_never_sees_another_villages_mother_in_any_list(client, counted, midwife):
    client.force_login(midwife)
    others = [counted.mothers["M4"], counted.mothers["M5"]]
    own = counted.mothers["M1"]

    pages = [
        client.get(reverse("reports:dashboard-mothers"), {"show": show, "period": "all"})
        for show in (
            "all",
            "postpartum",
            "unaccompanied",
            "below_reference",
            "open_referrals",
            "missed_sessions",
            "not_comparable",
            "sessions_in_period",
            "delivered_in_period",
            "registered_in_period",
        )
    ]
    pages.append(client.get(reverse("reports:dashboard-referrals"), {"period": "all"}))
    for age in ("today", "1-2", "3-6", "7+"):
        pages.append(
            client.get(reverse("reports:dashboard-referrals"), {"period": "all", "age": age})
        )
    pages.append(
        client.get(reverse("reports:dashboard-referrals"), {"period": "all", "opened": "period"})
    )
    pages.append(client.get(reverse("reports:dashboard"), {"period": "all"}))

    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        for other in others:
            assert not re.search(rf"{re.escape(other.name)}\b", text)
            assert str(other.public_id) not in text
    assert own.name in pages[0].content.decode()
    # Every list the midwife's own mother belongs to shows her.
    for page in (pages[5], pages[7], pages[8]):
        assert own.name in page.content.decode()


def test_a_midwife_never_sees_another_villages_cadre_in_any_list(client, counted, midwife, world):
    client.force_login(midwife)
    others = [counted.cadres["KK1"], counted.cadres["KS1"]]
    own = counted.cadres["KM1"]
    trainings = [counted.training.public_id, world.other_programme.trainings.get().public_id]

    pages = [
        client.get(reverse("reports:dashboard-cadres"), {"show": show, "period": "all"})
        for show in ("all", "trained", "certified", "expiring", "not_certified")
    ]
    pages.append(
        client.get(
            reverse("reports:dashboard-cadres"), {"show": "all", "training": str(trainings[0])}
        )
    )

    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        for other in others:
            assert not re.search(rf"{re.escape(other.name)}\b", text)
            assert other.code not in text
    assert own.name in pages[0].content.decode()
    assert [row.cadre.code for row in pages[-1].context["page"].object_list] == ["KM1", "KM2"]
    # The other programme's training is not hers to look into.
    other_training = {"show": "all", "training": str(trainings[1])}
    assert client.get(reverse("reports:dashboard-cadres"), other_training).status_code == 404


def test_a_number_links_to_its_list_with_the_same_filters(client, counted, coordinator, world):
    client.force_login(coordinator)
    query = {"area": str(world.pandes.public_id), "period": "4w"}

    dashboard = client.get(reverse("reports:dashboard"), query).content.decode()
    listed = client.get(reverse("reports:dashboard-mothers"), {**query, "show": "postpartum"})

    assert "show=postpartum&amp;area=" in dashboard
    assert [row.mother.code for row in listed.context["page"].object_list] == ["M1"]


def test_the_referral_list_shows_open_referrals_oldest_first(client, counted, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("reports:dashboard-referrals"))

    codes = [referral.mother.code for referral in response.context["page"].object_list]
    assert codes == ["M4", "M1"]
    red = client.get(reverse("reports:dashboard-referrals"), {"severity": "red"})
    assert [x.mother.code for x in red.context["page"].object_list] == ["M1"]


def test_the_cadre_list_behind_expiring_certificates(client, counted, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("reports:dashboard-cadres"), {"show": "expiring"})

    assert [row.cadre.code for row in response.context["page"].object_list] == ["KM2"]


def test_an_unknown_list_is_not_found(client, counted, coordinator):
    client.force_login(coordinator)

    assert client.get(reverse("reports:dashboard-mothers"), {"show": "everyone"}).status_code == 404


def test_an_area_outside_the_scope_is_refused_and_the_scope_kept(client, counted, midwife, world):
    client.force_login(midwife)

    response = client.get(reverse("reports:dashboard"), {"area": str(world.sendangadi.public_id)})

    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert response.context["board"].mothers["total"] == 4


def test_a_custom_period_needs_both_dates_in_order(client, counted, coordinator):
    client.force_login(coordinator)

    response = client.get(
        reverse("reports:dashboard"),
        {"period": "custom", "starts_on": "2026-11-20", "ends_on": "2026-11-01"},
    )

    assert "ends_on" in response.context["form"].errors
    board = response.context["board"]
    assert (board.filters.starts_on, board.filters.ends_on) == (
        dt.date(2026, 9, 7),
        dt.date(2026, 11, 29),
    )


def test_the_dashboard_says_when_it_was_last_refreshed(client, counted, coordinator):
    client.force_login(coordinator)

    response = client.get(reverse("reports:dashboard"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.context["board"].refreshed_at == NOW


def test_a_dashboard_never_refreshed_says_so(client, field, coordinator):
    client.force_login(coordinator)

    response = client.get("/en/dashboard/")

    assert response.context["board"].refreshed_at is None
    assert "kaderasi rollups rebuild" in response.content.decode()


def _many_mothers(world, count: int) -> None:
    """`count` delivered mothers at Mawar, each with a session due and done."""
    mothers = Mother.objects.bulk_create(
        Mother(programme=world.programme, posyandu=world.mawar, code=f"X{i:04d}", name=f"Ibu {i}")
        for i in range(count)
    )
    pregnancies = Pregnancy.objects.bulk_create(
        Pregnancy(mother=m, last_menstrual_period=dt.date(2026, 2, 1)) for m in mothers
    )
    Delivery.objects.bulk_create(
        Delivery(pregnancy=p, delivered_at=r.at("2026-11-27", 3)) for p in pregnancies
    )
    for mother in mothers[:5]:
        session = r.scheduled_session(mother, day=1, slot=1, starts_at=r.at("2026-11-27", 8))
        r.massage(mother, scheduled=session, started_at=r.at("2026-11-27", 9))


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:dashboard"), {"period": "12w"})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["midwife", "coordinator", "district_officer", "admin_user"])
def test_a_dashboard_takes_as_many_queries_for_300_mothers_as_for_10(
    client, world, request, persona, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)
    client.force_login(request.getfixturevalue(persona))
    _many_mothers(world, 10)
    rollups_rebuild(now=NOW)
    # The scope selectors (a coordinator's programmes and a cadre's linked rows) cost a few
    # queries of their own; what matters is that the count does not grow with the mothers. The
    # mother, cadre and day numbers come grouped by the table's area, one query each (0225).
    with django_assert_max_num_queries(26):
        few = _dashboard_queries(client)

    Mother.objects.all().delete()
    _many_mothers(world, 300)
    rollups_rebuild(now=NOW)
    with django_assert_max_num_queries(26):
        many = _dashboard_queries(client)

    assert many == few


@pytest.mark.parametrize("persona", ["midwife", "coordinator", "district_officer"])
def test_a_dashboard_reads_the_viewers_own_areas_once(counted, client, request, persona):
    """Her scope, the filters' choices, the programmes and the base page's counts all ask for
    her areas: the page reads them once (it read them up to six times; decision 0255)."""
    client.force_login(request.getfixturevalue(persona))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:dashboard"), {"period": "12w"})

    assert response.status_code == 200
    assert len([q for q in queries if "accounts_user_areas" in q["sql"]]) == 1


def test_a_coordinators_dashboard_reads_her_team_programmes_once(counted, client, coordinator):
    """The filters' choices, her scope, which day flows serve her page and the base page's
    conflict count each ask for her scope's areas, her team's programmes among them: the page
    reads the programmes once (it read them four times; decision 0310)."""
    client.force_login(coordinator)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("reports:dashboard"), {"period": "12w"})

    assert response.status_code == 200
    team_reads = [
        q["sql"]
        for q in queries
        if 'FROM "programmes_programme" INNER JOIN "programmes_programme_team"' in q["sql"]
        and not q["sql"].startswith(("SELECT DISTINCT", "DECLARE"))
    ]
    assert len(team_reads) == 1


def test_each_list_page_takes_a_bounded_number_of_queries(
    client, world, coordinator, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)
    _many_mothers(world, 120)
    f.CadreFactory(programme=world.programme, posyandu=world.mawar)
    rollups_rebuild(now=NOW)
    client.force_login(coordinator)

    for name, show in [("reports:dashboard-mothers", "all"), ("reports:dashboard-cadres", "all")]:
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name), {"show": show}).status_code == 200


@pytest.mark.parametrize("persona", ["coordinator", "district_officer", "admin_user"])
def test_the_home_page_leads_to_the_dashboard(client, counted, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("home"))

    assert reverse("reports:dashboard") in response.content.decode()


def test_the_dashboard_leads_to_the_reports_of_visible_programmes(
    client, counted, coordinator, world
):
    client.force_login(coordinator)

    text = client.get(reverse("reports:dashboard")).content.decode()

    assert reverse("reports:programme-report", args=[world.programme.slug]) in text
    assert reverse("reports:programme-report", args=[world.other_programme.slug]) not in text
