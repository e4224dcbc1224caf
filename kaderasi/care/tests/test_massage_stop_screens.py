"""A danger sign that stops the massage, as the screens show it: the cadre sees "do not massage,
refer to the midwife" first, with the midwife's number, and no session to start, until the
midwife closes the referral; the midwife sees the stop, the cadre's note, her name and number on
the mother's page and on the referral. Nobody outside the mother's scope sees any of it."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.accounts.models import Role
from kaderasi.care import services
from kaderasi.care.models import DangerSignContext, Referral
from kaderasi.care.pages import stop_notices
from kaderasi.care.tests.factories import at, delivered
from kaderasi.care.today import clients_today
from kaderasi.core import clock
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NOW = at(10, 9)  # postpartum day 2, the morning session due
NOTE = "Punggung memar setelah jatuh di kamar mandi."
MIDWIFE_PHONE = "+6281234567890"
CADRE_PHONE = "+6285712345678"


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def bidan(midwife):
    midwife.first_name, midwife.last_name, midwife.phone = "Sari", "Wulandari", MIDWIFE_PHONE
    midwife.save()
    return midwife


@pytest.fixture
def kader(cadre_user):
    cadre = cadre_user.cadre
    cadre.name, cadre.phone = "Wati Lestari", CADRE_PHONE
    cadre.save()
    f.CertificateFactory(cadre=cadre)
    return cadre_user


def _client_of(cadre_user, world, name="Ny. Rina"):
    if world.programme.max_active_clients_per_cadre < 3:
        world.programme.max_active_clients_per_cadre = 3
        world.programme.save()
    mother = delivered(
        programme=world.programme,
        posyandu=world.mawar,
        delivered_at=at(8, 23, 30),
        now=NOW,
        name=name,
    )
    services.pairing_start(mother=mother, cadre=cadre_user.cadre, starts_at=at(9, 1))
    return mother


def _stop(mother, by, *, signs=("back_injury",), note=NOTE):
    services.danger_signs_report(
        mother=mother,
        signs=list(signs),
        observed_at=at(10, 8, 45),
        context=DangerSignContext.BEFORE_MASSAGE,
        notes=note,
        by=by,
        now=NOW,
    )
    return Referral.objects.get(mother=mother, flag__rule__code="danger_sign")


@pytest.fixture
def mother(world, kader):
    return _client_of(kader, world)


@pytest.fixture
def referral(mother, kader, bidan):
    return _stop(mother, kader)


def _url(name, *args, language="en"):
    with translation.override(language):
        return reverse(name, args=args)


def _card(html: str, mother) -> str:
    """The client's card on "Hari ini"."""
    match = re.search(
        rf'<article class="card client" data-client="{mother.public_id}">(.*?)</article>',
        html,
        re.S,
    )
    assert match is not None
    return match.group(1)


def _after_heading(html: str) -> str:
    """What a page shows after its title and stage line."""
    return html.split("</h1>", 1)[1]


def test_hari_ini_shows_the_stop_first_with_the_midwife_to_call_and_no_session_to_start(
    client, kader, mother, referral
):
    client.force_login(kader)
    html = client.get(_url("home")).content.decode()

    card = _card(html, mother)
    stop_at = card.index("data-massage-stop")
    assert "Do not massage — refer to the midwife" in card
    assert card.index("Do not massage") > stop_at
    # The stop is the first thing under her name, before her tasks; no session is "due now".
    assert stop_at < card.index("data-task=")
    assert 'aria-label="Sessions today"' not in card
    assert f'href="tel:{MIDWIFE_PHONE}"' in card
    assert 'href="https://wa.me/6281234567890"' in card
    assert "Call Sari Wulandari" in card
    assert "0812-3456-7890" in card
    assert NOTE in card
    assert _url("care:session-guide", mother.public_id) not in card
    assert "Session due now" not in card
    assert "Start the session" not in card


def test_hari_ini_says_it_in_indonesian(client, kader, mother, referral):
    client.force_login(kader)
    card = _card(client.get(_url("home", language="id")).content.decode(), mother)
    assert "Jangan pijat — rujuk ke bidan" in card
    assert "Telepon Sari Wulandari" in card
    assert "Mulai sesi" not in card


def test_a_stopped_client_comes_before_her_other_clients(world, kader, mother, referral):
    other = _client_of(kader, world, name="Ny. Ani")  # sorts before Ny. Rina by name
    days = clients_today(kader, now=NOW)
    assert [day.mother for day in days] == [mother, other]
    assert (days[0].stop.referral, days[1].stop) == (referral, None)


def test_the_cadre_sees_the_stop_first_on_the_mother_page_and_no_session_button(
    client, kader, mother, referral
):
    client.force_login(kader)
    response = client.get(_url("mother-detail", mother.public_id))
    html = _after_heading(response.content.decode())

    assert response.context["can_session"] is False
    assert html.index("data-massage-stop") < html.index('id="open-flags"')
    assert "Do not massage — refer to the midwife" in html
    assert f'href="tel:{MIDWIFE_PHONE}"' in html
    assert _url("care:session-guide", mother.public_id) not in html
    assert "Start a massage session" not in html
    # Measuring is not stopped: only the massage is.
    assert _url("care:milk-volume", mother.public_id) in html
    # Her own note, without a link to call herself.
    assert NOTE in html
    assert f"tel:{CADRE_PHONE}" not in html


def test_the_session_screen_shows_the_stop_instead_of_the_guide(client, kader, mother, referral):
    client.force_login(kader)
    html = client.get(_url("care:session-guide", mother.public_id)).content.decode()
    assert "Do not massage — refer to the midwife" in html
    assert f'href="tel:{MIDWIFE_PHONE}"' in html
    assert 'id="guide"' not in html
    assert 'data-go="questions"' not in html


def test_the_stop_is_lifted_once_the_midwife_closes_the_referral(
    client, kader, bidan, mother, referral
):
    services.referral_acknowledge(referral=referral, by=bidan, now=NOW)
    services.referral_close(
        referral=referral, by=bidan, now=NOW, outcome="seen_by_midwife", action_taken="Diperiksa."
    )
    client.force_login(kader)

    card = _card(client.get(_url("home")).content.decode(), mother)
    assert "data-massage-stop" not in card
    assert "Session due now" in card
    assert _url("care:session-guide", mother.public_id) in card

    page = client.get(_url("mother-detail", mother.public_id))
    assert page.context["can_session"] is True
    assert "data-massage-stop" not in page.content.decode()
    assert "Start a massage session" in page.content.decode()
    guide = client.get(_url("care:session-guide", mother.public_id)).content.decode()
    assert 'id="guide"' in guide


def test_acknowledging_does_not_lift_the_stop_and_puts_the_acting_midwife_first(
    world, kader, bidan, mother, referral
):
    other_midwife = f.UserFactory(
        username="ayu-bidan",
        role=Role.MIDWIFE,
        areas=[world.pandes],
        first_name="Ayu",
        phone="+6281398765432",
    )
    services.referral_acknowledge(referral=referral, by=other_midwife, now=NOW)
    (notice,) = stop_notices([mother]).values()
    assert [(c.name, c.phone) for c in notice.midwives] == [
        ("Ayu", "+6281398765432"),
        ("Sari Wulandari", MIDWIFE_PHONE),
    ]


def test_a_sign_that_does_not_stop_the_massage_leaves_the_session_button(
    client, kader, mother, bidan
):
    _stop(mother, kader, signs=("mother_declines",), note="")
    client.force_login(kader)
    card = _card(client.get(_url("home")).content.decode(), mother)
    assert "data-massage-stop" not in card
    assert _url("care:session-guide", mother.public_id) in card


def test_the_midwife_sees_the_stop_the_note_and_how_to_reach_the_cadre_on_the_mother_page(
    client, bidan, mother, referral
):
    client.force_login(bidan)
    html = _after_heading(client.get(_url("mother-detail", mother.public_id)).content.decode())

    stop = html[html.index("data-massage-stop") : html.index("</section>")]
    assert "Massage stopped until you close the referral" in stop
    assert _url("care:referral-detail", referral.public_id) in stop
    assert NOTE in stop
    assert "Reported by Wati Lestari" in stop
    assert f'href="tel:{CADRE_PHONE}"' in stop
    checks = html[html.index('id="danger-checks"') :]
    assert NOTE in checks
    assert "Reported by Wati Lestari · 0857-1234-5678" in checks
    assert f'href="tel:{CADRE_PHONE}"' in checks
    assert 'href="https://wa.me/6285712345678"' in checks
    assert "Start a massage session" not in html


def test_the_midwife_says_it_in_indonesian(client, bidan, mother, referral):
    client.force_login(bidan)
    html = client.get(_url("mother-detail", mother.public_id, language="id")).content.decode()
    assert "Pijat dihentikan sampai Anda menutup rujukan" in html


def test_the_referral_page_shows_the_cadres_note_with_her_name_and_number(client, bidan, referral):
    client.force_login(bidan)
    response = client.get(_url("care:referral-detail", referral.public_id))
    html = response.content.decode()

    (note,) = response.context["danger_notes"]
    assert (note.report.notes, note.reporter.name, note.reporter.phone) == (
        NOTE,
        "Wati Lestari",
        CADRE_PHONE,
    )
    assert NOTE in html
    assert "Reported by Wati Lestari · 0857-1234-5678" in html
    assert f'href="tel:{CADRE_PHONE}"' in html
    assert 'href="https://wa.me/6285712345678"' in html


def test_a_cadre_without_a_phone_of_her_own_is_reached_on_her_logins_number(
    client, kader, bidan, referral
):
    cadre = kader.cadre
    cadre.phone = ""
    cadre.save()
    kader.phone = "+6281122334455"
    kader.save()
    client.force_login(bidan)
    html = client.get(_url("care:referral-detail", referral.public_id)).content.decode()
    assert 'href="tel:+6281122334455"' in html


def test_a_cadre_of_another_mother_sees_neither_the_stop_nor_the_note(
    client, world, mother, referral
):
    stranger = f.UserFactory(username="tini-kader", role=Role.CADRE)
    f.CadreFactory(programme=world.programme, posyandu=world.mawar, user=stranger)
    client.force_login(stranger)

    home = client.get(_url("home")).content.decode()
    assert "data-massage-stop" not in home
    assert NOTE not in home
    assert client.get(_url("mother-detail", mother.public_id)).status_code == 404
    assert client.get(_url("care:session-guide", mother.public_id)).status_code == 404
    assert client.get(_url("care:referral-detail", referral.public_id)).status_code == 403


def test_a_midwife_of_another_village_does_not_see_the_note(client, world, mother, referral):
    elsewhere = f.UserFactory(username="rina-bidan", role=Role.MIDWIFE, areas=[world.canan])
    client.force_login(elsewhere)
    assert client.get(_url("mother-detail", mother.public_id)).status_code == 404
    assert client.get(_url("care:referral-detail", referral.public_id)).status_code == 404
    home = client.get(_url("home")).content.decode()
    assert NOTE not in home


def test_stop_notices_take_the_same_queries_for_one_mother_or_three(
    world, kader, bidan, django_assert_num_queries
):
    mothers = [_client_of(kader, world, name=f"Ny. {n}") for n in ("A", "B", "C")]
    for mother in mothers:
        _stop(mother, kader)
    loaded = [
        type(mother).objects.select_related("posyandu").get(pk=mother.pk) for mother in mothers
    ]
    with django_assert_num_queries(7) as one:
        assert len(stop_notices(loaded[:1])) == 1
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(stop_notices(loaded)) == 3
