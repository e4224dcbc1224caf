"""The SATUSEHAT client and its outbox, against a fake SATUSEHAT on 127.0.0.1 that records what
it receives (no outside network): OAuth2 client credentials, new resources only, references
rewritten to the server's ids, retries with back-off, refusals failed, an interrupted send never
repeated blindly, disabled by default, and the coordinator's outbox page scoped."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.parse
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from kaderasi.care import services as care
from kaderasi.care.models import ConsentSubject, MeasurementKind
from kaderasi.conftest import WIB
from kaderasi.interop.models import SatusehatSubmission, SubmissionStatus
from kaderasi.interop.satusehat.client import SatusehatClient
from kaderasi.interop.satusehat.dispatch import satusehat_requeue, satusehat_sweep
from kaderasi.interop.tasks import satusehat_send
from kaderasi.tests import factories as f
from kaderasi.worker.periodic import PERIODIC_JOBS

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=WIB)


class FakeSatusehat:
    """A fake SATUSEHAT: /oauth2/v1/accesstoken and POST /fhir-r4/v1/<Type>. `failures` is a
    list of status codes answered to the next resource POSTs, in order."""

    def __init__(self):
        self.requests: list[dict] = []
        self.failures: list[int] = []
        self.tokens = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = urllib.parse.urlsplit(self.path)
                fake.requests.append(
                    {
                        "path": path.path,
                        "query": urllib.parse.parse_qs(path.query),
                        "authorization": self.headers.get("Authorization"),
                        "content_type": self.headers.get("Content-Type"),
                        "body": body,
                    }
                )
                if path.path == "/oauth2/v1/accesstoken":
                    fake.tokens += 1
                    return self._answer(
                        200, {"access_token": f"token-{fake.tokens}", "expires_in": "3599"}
                    )
                if fake.failures:
                    status = fake.failures.pop(0)
                    return self._answer(
                        status,
                        {
                            "resourceType": "OperationOutcome",
                            "issue": [{"code": "invalid", "diagnostics": "Ibu Ani: bad"}],
                        },
                    )
                resource_type = path.path.rsplit("/", 1)[-1]
                return self._answer(
                    201, {"resourceType": resource_type, "id": f"srv-{len(fake.requests)}"}
                )

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def resources(self):
        return [
            (r["path"].rsplit("/", 1)[-1], json.loads(r["body"]))
            for r in self.requests
            if r["path"].startswith("/fhir-r4/")
        ]


@pytest.fixture
def fake():
    server = FakeSatusehat()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def enabled(settings, fake):
    settings.KADERASI_SATUSEHAT_ENABLED = True
    settings.KADERASI_SATUSEHAT_AUTH_URL = f"{fake.url}/oauth2/v1"
    settings.KADERASI_SATUSEHAT_BASE_URL = f"{fake.url}/fhir-r4/v1"
    settings.KADERASI_SATUSEHAT_CLIENT_ID = "puskesmas-wedi"
    settings.KADERASI_SATUSEHAT_CLIENT_SECRET = "s3cret"
    settings.KADERASI_SATUSEHAT_TIMEOUT_SECONDS = 5
    settings.KADERASI_SATUSEHAT_RETRY_SECONDS = 60
    settings.KADERASI_SATUSEHAT_MAX_ATTEMPTS = 3
    return settings


@pytest.fixture
def mother(world):
    mother = f.delivered_mother(
        programme=world.programme,
        posyandu=world.mawar,
        code="M01",
        nik="3310064107950001",
        delivered_at=dt.datetime(2026, 12, 5, 4, 0, tzinfo=WIB),
    )
    f.MeasurementFactory(
        mother=mother,
        kind=MeasurementKind.MILK_VOLUME,
        value=Decimal("12.5"),
        measured_at=dt.datetime(2026, 12, 6, 7, 0, tzinfo=WIB),
    )
    return mother


def _sweep(**options):
    return satusehat_sweep(now=options.pop("now", NOW), clock=lambda: NOW, **options)


def test_nothing_is_queued_or_sent_while_satusehat_is_not_enabled(world, mother, fake):
    assert _sweep().as_dict()["enabled"] is False
    assert not SatusehatSubmission.objects.exists()
    assert fake.requests == []


def test_the_worker_runs_the_sweep_every_minute():
    assert "kaderasi.interop.satusehat.dispatch.satusehat_sweep" in PERIODIC_JOBS


def test_a_token_is_asked_once_with_the_client_credentials_and_sent_as_bearer(
    enabled, fake, world, mother
):
    outcome = _sweep()

    [token_request] = [r for r in fake.requests if r["path"] == "/oauth2/v1/accesstoken"]
    assert token_request["query"] == {"grant_type": ["client_credentials"]}
    assert urllib.parse.parse_qs(token_request["body"].decode()) == {
        "client_id": ["puskesmas-wedi"],
        "client_secret": ["s3cret"],
    }
    posted = [r for r in fake.requests if r["path"].startswith("/fhir-r4/")]
    assert {r["authorization"] for r in posted} == {"Bearer token-1"}
    assert {r["content_type"] for r in posted} == {"application/fhir+json"}
    assert outcome.sent == len(posted) == SatusehatSubmission.objects.count()
    assert outcome.queued == outcome.sent


def test_the_programmes_resources_are_sent_once_with_references_to_the_servers_ids(
    enabled, fake, world, mother
):
    _sweep()

    sent = fake.resources()
    types = [kind for kind, _ in sent]
    assert types.index("Organization") < types.index("Patient") < types.index("Observation")
    assert "Practitioner" not in types
    patient_row = SatusehatSubmission.objects.get(
        resource_type="Patient", resource_id=str(mother.public_id)
    )
    assert patient_row.status == SubmissionStatus.SENT
    [volume] = [r for kind, r in sent if kind == "Observation" and "valueQuantity" in r]
    assert volume["subject"] == {"reference": f"Patient/{patient_row.server_id}"}
    assert volume["valueQuantity"]["code"] == "mL"
    assert "id" not in volume  # the server gives ids

    again = _sweep()

    assert (again.queued, again.sent) == (0, 0)
    assert len(fake.resources()) == len(sent)


def test_only_a_new_resource_is_queued_later(enabled, fake, world, mother):
    _sweep()
    f.MeasurementFactory(
        mother=mother,
        kind=MeasurementKind.MILK_VOLUME,
        value=Decimal("20"),
        measured_at=dt.datetime(2026, 12, 7, 7, 0, tzinfo=WIB),
    )

    outcome = _sweep()

    assert (outcome.queued, outcome.sent) == (1, 1)
    kind, resource = fake.resources()[-1]
    assert (kind, resource["valueQuantity"]["value"]) == ("Observation", 20)


def test_a_server_error_is_retried_later_with_a_growing_delay(enabled, fake, world, mother):
    fake.failures = [503, 503]
    first = _sweep()

    assert first.retried == 2
    waiting = SatusehatSubmission.objects.filter(status=SubmissionStatus.RETRY).order_by("sequence")
    assert [row.next_attempt_at for row in waiting] == [NOW + dt.timedelta(seconds=60)] * 2
    assert waiting[0].last_error == "HTTP 503: invalid"

    later = _sweep(now=NOW + dt.timedelta(minutes=2))

    assert later.sent == 2
    assert not SatusehatSubmission.objects.exclude(status=SubmissionStatus.SENT).exists()
    assert set(SatusehatSubmission.objects.values_list("attempts", flat=True)) >= {2}


def test_a_refused_resource_fails_without_retry_and_no_personal_data_is_kept(
    enabled, fake, world, mother
):
    fake.failures = [400]

    outcome = _sweep()

    assert outcome.failed == 1
    failed = SatusehatSubmission.objects.get(status=SubmissionStatus.FAILED)
    assert failed.last_error == "HTTP 400: invalid"
    assert "Ibu" not in failed.last_error


def test_after_the_last_attempt_a_resource_fails(enabled, fake, world, mother):
    for minutes in (0, 2, 5):  # due again after 1, then 2 more minutes
        fake.failures = [503]  # the first resource sent each time
        _sweep(now=NOW + dt.timedelta(minutes=minutes), programme=world.programme)

    first = SatusehatSubmission.objects.filter(programme=world.programme).order_by("sequence")[0]
    assert (first.status, first.attempts) == (SubmissionStatus.FAILED, 3)


def test_an_unreachable_server_is_retried(enabled, world, mother):
    enabled.KADERASI_SATUSEHAT_AUTH_URL = "http://127.0.0.1:9/oauth2/v1"  # discard port: refused

    outcome = _sweep()

    assert outcome.retried == SatusehatSubmission.objects.count() > 0
    assert SatusehatSubmission.objects.first().last_error.startswith("network")


def test_an_interrupted_send_is_failed_for_a_person_not_sent_again(enabled, fake, world, mother):
    _sweep()
    row = SatusehatSubmission.objects.order_by("sequence").first()
    SatusehatSubmission.objects.filter(pk=row.pk).update(
        status=SubmissionStatus.SENDING, claimed_at=NOW - dt.timedelta(hours=1)
    )
    before = len(fake.requests)

    outcome = _sweep()

    row.refresh_from_db()
    assert outcome.interrupted == 1
    assert row.status == SubmissionStatus.FAILED
    assert row.last_error.startswith("interrupted")
    assert len(fake.requests) == before

    assert satusehat_requeue(rows=SatusehatSubmission.objects.all(), now=NOW) == 1
    assert _sweep().sent == 1


def test_illustrative_programmes_are_never_sent(enabled, fake, world, mother):
    world.programme.is_illustrative = True
    world.programme.save(update_fields=["is_illustrative"])

    _sweep()

    assert not SatusehatSubmission.objects.filter(programme=world.programme).exists()
    assert not [r for kind, r in fake.resources() if kind == "Patient"]


def test_a_withdrawn_consent_keeps_her_out(enabled, fake, world, mother):
    consent = care.consent_give(
        mother=mother,
        subject=ConsentSubject.MOTHER,
        text_version="1",
        given_at=NOW - dt.timedelta(days=3),
        by=None,
        now=NOW - dt.timedelta(days=3),
    )
    care.consent_withdraw(
        consent=consent, withdrawn_at=NOW - dt.timedelta(days=1), by=None, now=NOW
    )

    _sweep()

    assert not [r for kind, r in fake.resources() if kind == "Patient"]


def test_the_task_sends_one_programme_through_the_worker(enabled, fake, world, mother):
    result = satusehat_send.enqueue(world.programme.pk)

    assert result.return_value["sent"] == SatusehatSubmission.objects.count() > 0


def test_the_client_keeps_its_token_until_it_expires(enabled, fake):
    client = SatusehatClient.from_settings()

    assert client.token() == client.token() == "token-1"
    assert fake.tokens == 1


def test_the_coordinator_sees_her_programmes_outbox_without_the_resources(
    enabled, fake, world, mother, coordinator, client
):
    _sweep()
    other = f.delivered_mother(programme=world.other_programme, posyandu=world.sakura, code="S1")
    satusehat_sweep(now=NOW, programme=world.other_programme, clock=lambda: NOW)
    client.force_login(coordinator)

    page = client.get(reverse("admin:interop_satusehatsubmission_changelist"))

    assert page.status_code == 200
    shown = set(page.context["cl"].result_list.values_list("programme__slug", flat=True))
    assert shown == {"wedi-2026"}
    assert "3310064107950001" not in page.content.decode()
    row = SatusehatSubmission.objects.get(resource_id=str(other.public_id))
    assert client.get(
        reverse("admin:interop_satusehatsubmission_change", args=[row.pk])
    ).status_code in (302, 403, 404)
