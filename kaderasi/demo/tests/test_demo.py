"""`kaderasi demo`: the paper's programme and the logins. The command runs once for the module;
each test reads what it made in a savepoint of its own."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Measurement, Mother, Pairing
from kaderasi.care.timing import postpartum_day
from kaderasi.conftest import shared_rows
from kaderasi.programmes.models import Programme
from kaderasi.training.models import TestAttempt
from kaderasi.training.selectors import paired_scores

pytestmark = pytest.mark.django_db

# Sari & Agustina, Table 1 (cc): before, after.
PAPER_TABLE_1 = {
    "Ny. Am": (30, 250),
    "Ny. Si": (50, 300),
    "Ny. Th": (40, 350),
    "Ny. Ar": (100, 300),
    "Ny. Dw": (60, 200),
    "Ny. Ms": (50, 300),
    "Ny. Tw": (40, 350),
    "Ny. Hc": (80, 300),
    "Ny. Df": (150, 350),
    "Ny. Rs": (60, 250),
}


@pytest.fixture(scope="module")
def _demo_output(django_db_setup, django_db_blocker):
    def run() -> str:
        output = io.StringIO()
        call_command("demo", "--no-serve", stdout=output)
        return output.getvalue()

    yield from shared_rows(django_db_blocker, run)


@pytest.fixture
def demo(_demo_output, db):
    """What `kaderasi demo --no-serve` printed."""
    return _demo_output


def test_the_demo_milk_volumes_equal_table_1_of_the_paper(demo):
    programme = Programme.objects.get(slug="pandes-2018")
    volumes = {}
    for measurement in Measurement.objects.filter(mother__programme=programme).select_related(
        "mother"
    ):
        volumes.setdefault(measurement.mother.name, {})[measurement.phase] = measurement.value
    assert volumes == {
        name: {"before": Decimal(before), "after": Decimal(after)}
        for name, (before, after) in PAPER_TABLE_1.items()
    }


def test_before_is_on_postpartum_day_1_and_after_on_day_3(demo):
    for measurement in Measurement.objects.filter(mother__programme__slug="pandes-2018"):
        delivered_at = measurement.mother.pregnancies.get().delivery.delivered_at
        expected_day = 1 if measurement.phase == "before" else 3
        assert postpartum_day(delivered_at, measurement.measured_at) == expected_day


def test_the_demo_knowledge_scores_have_the_papers_means_and_are_labelled_illustrative(demo):
    programme = Programme.objects.get(slug="pandes-2018")
    pairs = paired_scores(programme.trainings.get())
    assert len(pairs) == 40
    assert sum(pre for pre, _ in pairs) / 40 == 50
    assert sum(post for _, post in pairs) / 40 == 90
    assert not TestAttempt.objects.filter(is_illustrative=False).exists()
    assert programme.is_illustrative


def test_the_training_is_the_papers_date_and_time(demo):
    training = Programme.objects.get(slug="pandes-2018").trainings.get()
    assert training.starts_at.isoformat() == "2018-04-11T01:00:00+00:00"  # 08:00 WIB
    assert training.ends_at.isoformat() == "2018-04-11T06:00:00+00:00"  # 13:00 WIB


def test_each_mother_is_paired_with_her_own_cadre_and_kader_accompanied_ny_am(demo):
    pairings = Pairing.objects.filter(mother__programme__slug="pandes-2018").select_related(
        "cadre", "mother"
    )
    assert pairings.count() == 10
    assert len({p.cadre_id for p in pairings}) == 10
    kader = Cadre.objects.get(user__username="kader")
    assert pairings.get(cadre=kader).mother.name == "Ny. Am"


def _counts(slug=None):
    scope = {"programme__slug": slug} if slug else {}
    mother_scope = {"mother__programme__slug": slug} if slug else {}
    return [
        Mother.objects.filter(**scope).count(),
        Cadre.objects.filter(**scope).count(),
        Measurement.objects.filter(**mother_scope).count(),
        User.objects.count(),
    ]


def test_running_the_demo_twice_duplicates_nothing(demo):
    counts = _counts()
    call_command("demo", "--no-serve", stdout=io.StringIO())
    assert _counts() == counts
    assert _counts("pandes-2018") == [10, 40, 20, 5]


def test_the_demo_prints_one_login_per_role_with_the_password(demo):
    assert "kaderasi-demo" in demo
    for username in ("admin", "koordinator", "bidan", "kader"):
        assert f"  {username} " in demo


@pytest.mark.parametrize(
    ("username", "template", "visible_text"),
    [
        ("admin", "web/home_admin.html", "Ny. Am"),
        ("koordinator", "web/home_coordinator.html", "Desa Pandes"),
        ("bidan", "web/home_midwife.html", "Ny. Rs"),
        ("kader", "web/home_cadre.html", "Ny. Am"),
        ("dinkes", "web/home_district.html", "Desa Pandes"),
    ],
)
def test_each_demo_login_lands_on_its_roles_home_page(
    demo, client, username, template, visible_text
):
    response = client.post(
        "/login/", {"username": username, "password": "kaderasi-demo"}, follow=True
    )
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]
    if username != "admin":
        assert visible_text in response.content.decode()


def test_the_demo_cadre_sees_only_her_own_client(demo, client):
    # Through the login page: the login throttle needs the request (Client.login sends none).
    client.post("/login/", {"username": "kader", "password": "kaderasi-demo"})
    page = client.get("/").content.decode()
    assert "Ny. Am" in page
    assert "Ny. Si" not in page
