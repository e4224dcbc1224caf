"""The record forms the offline app queues: exact field names, one row per record id, and bad
input refused on its field with nothing lost."""

import uuid
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.care.models import DangerSignReport, MassageSession, Measurement
from kaderasi.care.tests.factories import at, delivered
from kaderasi.core import clock
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

NOW = at(10, 9)

SESSION_FIELDS = {
    "id",
    "mother_id",
    "started_at",
    "ended_at",
    "performed_by",
    "steps_done",
    "comfort",
    "complaints",
    "adverse_event",
    "notes",
}
MILK_FIELDS = {
    "id",
    "mother_id",
    "measured_at",
    "volume_ml",
    "method",
    "basis",
    "side",
    "phase",
    "expression_minutes",
    "minutes_since_feed",
}
VALUE_FIELDS = {"id", "mother_id", "measured_at", "value"}


class _Forms(HTMLParser):
    """Field names posted by each form, keyed by its data-outbox."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, set[str]] = {}
        self.current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "data-outbox" in attrs:
            self.current = attrs["data-outbox"]
            self.forms.setdefault(self.current, set())
        elif tag in {"input", "select", "textarea"} and self.current and attrs.get("name"):
            self.forms[self.current].add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def _outbox_forms(html: str) -> dict[str, set[str]]:
    parser = _Forms()
    parser.feed(html)
    return {name: fields - {"csrfmiddlewaretoken"} for name, fields in parser.forms.items()}


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def mother(world, cadre_user):
    mother = delivered(
        programme=world.programme, posyandu=world.mawar, delivered_at=at(8, 23, 30), now=NOW
    )
    cadre = cadre_user.cadre
    f.CertificateFactory(cadre=cadre)
    f.PairingFactory(mother=mother, cadre=cadre, starts_at=at(9, 0))
    return mother


def _session_data(mother, **overrides):
    data = {
        "id": str(uuid.uuid4()),
        "mother_id": str(mother.public_id),
        "started_at": "2026-11-10T07:00:00+07:00",
        "ended_at": "2026-11-10T07:12:30+07:00",
        "performed_by": "cadre",
        "steps_done": ["1", "2", "3"],
        "comfort": "4",
        "complaints": "",
        "adverse_event": "",
        "notes": "",
    }
    data.update(overrides)
    return data


def test_the_guided_session_posts_exactly_the_sync_records_fields(client, cadre_user, mother):
    client.force_login(cadre_user)
    page = client.get(reverse("care:session-guide", args=[mother.public_id])).content.decode()
    forms = _outbox_forms(page)
    assert forms["massage_session"] == SESSION_FIELDS
    # The stop form gets one hidden `signs` input per question answered "yes", in the browser.
    assert forms["danger_signs"] == {"id", "mother_id", "observed_at", "context", "notes"}
    assert "data-stop-signs" in page


def test_the_guided_session_loads_nothing_from_another_site(client, cadre_user, mother):
    client.force_login(cadre_user)
    page = client.get(reverse("care:session-guide", args=[mother.public_id])).content.decode()
    assert "http://" not in page
    assert "https://" not in page
    assert "/static/care/img/position.svg" in page
    assert "/static/care/session.js" in page


def test_the_measurement_forms_post_exactly_the_sync_records_fields(client, cadre_user, mother):
    client.force_login(cadre_user)
    milk = client.get(reverse("care:milk-volume", args=[mother.public_id])).content.decode()
    assert _outbox_forms(milk) == {"milk_volume": MILK_FIELDS}
    for slug, kind in [
        ("feeds", "feeds"),
        ("wet-nappies", "wet_nappies"),
        ("stools", "stools"),
        ("infant-weight", "infant_weight"),
    ]:
        url = reverse("care:measurement-record", args=[mother.public_id, slug])
        assert _outbox_forms(client.get(url).content.decode()) == {kind: VALUE_FIELDS}


def test_a_session_posted_twice_is_stored_once_for_the_paired_cadre(client, cadre_user, mother):
    client.force_login(cadre_user)
    url = reverse("care:session-guide", args=[mother.public_id])
    data = _session_data(mother, steps_done=["1,2", "3", "9"])
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first.url == "/"
    session = MassageSession.objects.get()
    assert str(session.public_id) == data["id"]
    assert session.steps_done == [1, 2, 3, 9]
    assert session.cadre == cadre_user.cadre
    assert session.recorded_by == cadre_user
    assert session.duration_minutes == 12.5
    assert (session.scheduled_session.postpartum_day, session.scheduled_session.slot) == (2, 1)


def test_a_milk_volume_posted_twice_is_stored_once(client, cadre_user, mother):
    client.force_login(cadre_user)
    url = reverse("care:milk-volume", args=[mother.public_id])
    data = {
        "id": str(uuid.uuid4()),
        "mother_id": str(mother.public_id),
        "measured_at": "2026-11-10T08:00:00+07:00",
        "volume_ml": "35",
        "method": "hand_expression",
        "basis": "single_expression",
        "side": "both",
        "phase": "before",
        "expression_minutes": "15",
        "minutes_since_feed": "45",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    measurement = Measurement.objects.get()
    assert (measurement.kind, measurement.value, measurement.side, measurement.phase) == (
        "milk_volume",
        35,
        "both",
        "before",
    )
    assert (measurement.expression_minutes, measurement.minutes_since_feed) == (15, 45)


def test_a_record_sent_by_sync_and_by_the_form_is_one_row(client, cadre_user, mother):
    """The phone may push a record and, its answer lost, the same form may be posted: one row."""
    client.force_login(cadre_user)
    record = {
        "id": str(uuid.uuid4()),
        "mother_id": str(mother.public_id),
        "measured_at": "2026-11-10T08:00:00+07:00",
        "volume_ml": "35",
        "method": "hand_expression",
        "basis": "single_expression",
    }
    client.get("/")
    pushed = client.post(
        "/api/v1/sync/push",
        {"records": [{**record, "type": "milk_volume", "volume_ml": 35}]},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )

    posted = client.post(reverse("care:milk-volume", args=[mother.public_id]), record)

    assert pushed.json()["results"][0]["status"] == "created"
    assert posted.status_code == 302
    assert Measurement.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"volume_ml": "1600"}, "volume_ml", "Milk volume (ml) must be between 0 and 1500"),
        ({"volume_ml": "-1"}, "volume_ml", "Milk volume (ml) must be between 0 and 1500"),
        ({"measured_at": "2026-11-08T20:00:00+07:00"}, "measured_at", "before the delivery"),
        ({"measured_at": "2026-11-10T10:00:00+07:00"}, "measured_at", "in the future"),
        ({"method": "guess"}, "method", "Select a valid choice"),
    ],
)
def test_an_implausible_milk_volume_is_refused_on_its_field_and_nothing_typed_is_lost(
    client, cadre_user, mother, overrides, field, message
):
    client.force_login(cadre_user)
    data = {
        "id": str(uuid.uuid4()),
        "mother_id": str(mother.public_id),
        "measured_at": "2026-11-10T08:00:00+07:00",
        "volume_ml": "35",
        "method": "manual_pump",
        "basis": "24h_estimate",
        "side": "left",
        "phase": "",
        "expression_minutes": "12",
        "minutes_since_feed": "30",
    }
    data.update(overrides)
    with translation.override("en"):
        url = reverse("care:milk-volume", args=[mother.public_id])
        response = client.post(url, data)
        errors = response.context["form"].errors
        assert list(errors) == [field]
        assert message in errors[field][0]
    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{data["id"]}"' in page  # the same record id, so a retry is still one row
    assert 'value="left" selected' in page
    assert 'value="12"' in page
    assert not Measurement.objects.exists()


def test_a_weight_above_the_plausible_range_names_the_field(client, cadre_user, mother):
    client.force_login(cadre_user)
    with translation.override("en"):
        url = reverse("care:measurement-record", args=[mother.public_id, "infant-weight"])
        response = client.post(
            url,
            {
                "id": str(uuid.uuid4()),
                "mother_id": str(mother.public_id),
                "measured_at": "2026-11-10T08:00:00+07:00",
                "value": "9000",
            },
        )
    assert response.context["form"].errors == {
        "value": ["Infant weight (g) must be between 300 and 7000; 9000 was entered."]
    }
    assert not Measurement.objects.exists()


def test_a_form_for_another_mother_is_refused(client, cadre_user, mother, world):
    client.force_login(cadre_user)
    other = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    url = reverse("care:measurement-record", args=[mother.public_id, "feeds"])
    response = client.post(
        url,
        {
            "id": str(uuid.uuid4()),
            "mother_id": str(other.public_id),
            "measured_at": "2026-11-10T08:00:00+07:00",
            "value": "8",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Measurement.objects.exists()


def test_a_cadre_cannot_open_or_post_the_forms_of_a_mother_she_does_not_accompany(
    client, cadre_user, world
):
    other = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    client.force_login(cadre_user)
    url = reverse("care:session-guide", args=[other.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, _session_data(other)).status_code == 404
    assert not MassageSession.objects.exists()


def test_the_district_office_reads_but_records_nothing(client, district_officer, mother):
    mother.programme.district_sees_names = True  # her page: only where the programme grants it
    mother.programme.save()
    client.force_login(district_officer)
    assert client.get(reverse("mother-detail", args=[mother.public_id])).status_code == 200
    url = reverse("care:session-guide", args=[mother.public_id])
    assert client.post(url, _session_data(mother)).status_code == 403
    milk = reverse("care:milk-volume", args=[mother.public_id])
    assert client.post(milk, {"id": str(uuid.uuid4())}).status_code == 403
    assert not MassageSession.objects.exists()
    assert not Measurement.objects.exists()


def test_a_session_ending_in_the_future_is_refused_on_its_field(client, cadre_user, mother):
    client.force_login(cadre_user)
    url = reverse("care:session-guide", args=[mother.public_id])
    with translation.override("en"):
        response = client.post(url, _session_data(mother, ended_at="2026-11-10T10:00:00+07:00"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["ended_at"]
    assert 'data-start-screen="end"' in response.content.decode()
    assert not MassageSession.objects.exists()


def test_a_stop_answer_before_the_massage_reaches_the_midwife_as_a_red_referral(
    client, cadre_user, mother
):
    client.force_login(cadre_user)
    url = reverse("care:danger-signs", args=[mother.public_id])
    data = {
        "id": str(uuid.uuid4()),
        "mother_id": str(mother.public_id),
        "observed_at": "2026-11-10T08:30:00+07:00",
        "context": "before_massage",
        "signs": ["back_wound", "fever_or_unwell"],
        "notes": "",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    report = DangerSignReport.objects.get()
    assert (report.context, report.signs) == ("before_massage", ["back_wound", "fever_or_unwell"])
    flag = report.flags.get()
    assert (flag.severity, flag.referral.status) == ("red", "open")
