"""Sending programmes' FHIR resources to SATUSEHAT through an outbox, exactly once.

`satusehat_enqueue` adds a row for every resource of the programme's FHIR export that the outbox
has not seen yet (new resources only; mothers who withdrew consent are left out). The sweep
claims due rows with one conditional UPDATE and a fresh token, as the reminders do (decision
0041): only rows carrying its token are sent by it, every later write is conditional on the
token, and a claim left behind by a crashed worker is not sent again blindly: past its lease it
is failed as "interrupted", for a person to check in SATUSEHAT before queueing it again.

References between resources are rewritten to the ids SATUSEHAT gave the referenced rows
(`Patient/<ours>` → `Patient/<theirs>`), so rows go in order: organisations and patients first."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care.consent import withdrawn_q
from kaderasi.care.models import ConsentSubject, Mother
from kaderasi.core import clock as real_clock
from kaderasi.interop.fhir.bundle import programme_bundle
from kaderasi.interop.fhir.selectors import programme_fhir_rows
from kaderasi.interop.models import SatusehatSubmission, SubmissionStatus
from kaderasi.interop.satusehat.client import SatusehatClient, SatusehatError
from kaderasi.programmes.models import Programme

logger = logging.getLogger(__name__)

# What SATUSEHAT receives. Not sent: Practitioner (SATUSEHAT takes its practitioners from the
# health-worker registry, found by NIK, which kaderasi does not hold), Questionnaire and
# QuestionnaireResponse (the cadres' training is no patient care; training=False leaves them out).
SENT_TYPES = (
    "Organization",
    "Location",
    "Patient",
    "RelatedPerson",
    "EpisodeOfCare",
    "Encounter",
    "Procedure",
    "Observation",
    "Flag",
    "ServiceRequest",
    "Consent",
)
DUE_STATUSES = (SubmissionStatus.PENDING, SubmissionStatus.RETRY)
INTERRUPTED = "interrupted: check SATUSEHAT before queueing it again"

Clock = Callable[[], dt.datetime]


@dataclass
class SatusehatOutcome:
    enabled: bool = True
    queued: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    interrupted: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def satusehat_configured() -> bool:
    return bool(
        settings.KADERASI_SATUSEHAT_ENABLED
        and settings.KADERASI_SATUSEHAT_AUTH_URL
        and settings.KADERASI_SATUSEHAT_BASE_URL
        and settings.KADERASI_SATUSEHAT_CLIENT_ID
    )


@transaction.atomic
def satusehat_enqueue(*, programme: Programme, now: dt.datetime) -> int:
    """Queue the programme's resources the outbox has not seen; the number queued."""
    mothers = Mother.objects.filter(programme=programme).exclude(
        withdrawn_q(ConsentSubject.MOTHER, mother="pk")
    )
    rows = programme_fhir_rows(
        programme,
        mothers=mothers,
        cadres=Cadre.objects.filter(programme=programme),
        staff=User.objects.none(),
        training=False,
    )
    bundle = programme_bundle(rows, now=now)
    seen = set(
        SatusehatSubmission.objects.filter(programme=programme).values_list(
            "resource_type", "resource_id"
        )
    )
    last = SatusehatSubmission.objects.filter(programme=programme).aggregate(Max("sequence"))
    sequence = last["sequence__max"] or 0
    new = []
    for entry in bundle["entry"]:
        resource = entry["resource"]
        key = (resource["resourceType"], resource["id"])
        if key[0] not in SENT_TYPES or key in seen:
            continue
        sequence += 1
        new.append(
            SatusehatSubmission(
                programme=programme,
                resource_type=key[0],
                resource_id=key[1],
                sequence=sequence,
                payload=resource,
                queued_at=now,
            )
        )
    SatusehatSubmission.objects.bulk_create(new)
    return len(new)


def _rewritten(value: Any, server_ids: dict[str, str]) -> Any:
    if isinstance(value, dict):
        result = {key: _rewritten(item, server_ids) for key, item in value.items()}
        reference = value.get("reference")
        if isinstance(reference, str) and reference in server_ids:
            result["reference"] = server_ids[reference]
        return result
    if isinstance(value, list):
        return [_rewritten(item, server_ids) for item in value]
    return value


class SatusehatDispatcher:
    def __init__(
        self,
        *,
        client: SatusehatClient,
        now: dt.datetime,
        clock: Clock = real_clock.now,
        programme: Programme | None = None,
    ):
        self.client = client
        self.now = now
        self.clock = clock
        self.programme = programme
        self.outcome = SatusehatOutcome()
        self.server_ids: dict[int, dict[str, str]] = {}

    def _scope(self):
        rows = SatusehatSubmission.objects.all()
        return rows.filter(programme=self.programme) if self.programme else rows

    def _due(self):
        return (
            self._scope()
            .filter(status__in=DUE_STATUSES)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=self.now))
            .order_by("programme_id", "sequence")
        )

    def run(self) -> SatusehatOutcome:
        self.recover_interrupted()
        batch_size = settings.KADERASI_SATUSEHAT_CLAIM_BATCH
        while True:
            ids = list(self._due().values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            claimed = self._claim(ids)
            if not claimed:
                break
            for row in claimed:
                self.deliver(row)
        return self.outcome

    def _claim(self, ids: list[int]) -> list[SatusehatSubmission]:
        token = uuid.uuid4()
        self._due().filter(pk__in=ids).update(
            status=SubmissionStatus.SENDING,
            claim_token=token,
            claimed_at=self.clock(),
            attempts=F("attempts") + 1,
        )
        return list(
            SatusehatSubmission.objects.filter(claim_token=token).order_by(
                "programme_id", "sequence"
            )
        )

    def recover_interrupted(self) -> None:
        """A claim older than its lease lost its worker mid-send: SATUSEHAT may have the
        resource already, so it is failed for a person to check, never sent again blindly."""
        expired = self.clock() - dt.timedelta(
            seconds=settings.KADERASI_SATUSEHAT_CLAIM_LEASE_SECONDS
        )
        self.outcome.interrupted += (
            self._scope()
            .filter(status=SubmissionStatus.SENDING, claimed_at__lt=expired)
            .update(status=SubmissionStatus.FAILED, claim_token=None, last_error=INTERRUPTED)
        )

    def _server_ids(self, programme_id: int) -> dict[str, str]:
        if programme_id not in self.server_ids:
            self.server_ids[programme_id] = {
                f"{kind}/{ours}": f"{kind}/{theirs}"
                for kind, ours, theirs in SatusehatSubmission.objects.filter(
                    programme_id=programme_id, status=SubmissionStatus.SENT
                ).values_list("resource_type", "resource_id", "server_id")
            }
        return self.server_ids[programme_id]

    def deliver(self, row: SatusehatSubmission) -> None:
        mine = SatusehatSubmission.objects.filter(pk=row.pk, claim_token=row.claim_token)
        server_ids = self._server_ids(row.programme_id)
        try:
            created = self.client.create(_rewritten(row.payload, server_ids))
        except SatusehatError as error:
            logger.warning(
                "SATUSEHAT refused %s %s (attempt %s): %s",
                row.resource_type,
                row.public_id,
                row.attempts,
                error.detail,
            )
            if error.retryable and row.attempts < settings.KADERASI_SATUSEHAT_MAX_ATTEMPTS:
                delay = settings.KADERASI_SATUSEHAT_RETRY_SECONDS * 2 ** (row.attempts - 1)
                mine.update(
                    status=SubmissionStatus.RETRY,
                    claim_token=None,
                    next_attempt_at=self.now + dt.timedelta(seconds=delay),
                    last_error=error.detail,
                )
                self.outcome.retried += 1
            else:
                mine.update(
                    status=SubmissionStatus.FAILED, claim_token=None, last_error=error.detail
                )
                self.outcome.failed += 1
            return
        updated = mine.update(
            status=SubmissionStatus.SENT,
            claim_token=None,
            sent_at=self.now,
            server_id=created.server_id[:64],
            last_error="",
            next_attempt_at=None,
        )
        if updated:
            server_ids[f"{row.resource_type}/{row.resource_id}"] = (
                f"{row.resource_type}/{created.server_id}"
            )
            self.outcome.sent += 1


def satusehat_sweep(
    *,
    now: dt.datetime,
    programme: Programme | None = None,
    client: SatusehatClient | None = None,
    clock: Clock = real_clock.now,
) -> SatusehatOutcome:
    """Queue every real programme's new resources (or `programme`'s) and send what is due.
    Nothing at all while SATUSEHAT is not enabled and configured (the default). Illustrative
    programmes (the demo's) are never sent."""
    if not satusehat_configured():
        return SatusehatOutcome(enabled=False)
    programmes = (
        [programme]
        if programme is not None
        else list(Programme.objects.filter(is_illustrative=False).order_by("pk"))
    )
    queued = sum(
        satusehat_enqueue(programme=item, now=now)
        for item in programmes
        if not item.is_illustrative
    )
    dispatcher = SatusehatDispatcher(
        client=client or SatusehatClient.from_settings(), now=now, clock=clock, programme=programme
    )
    outcome = dispatcher.run()
    outcome.queued = queued
    return outcome


def satusehat_requeue(*, rows, now: dt.datetime) -> int:
    """Queue failed rows again (after a person checked SATUSEHAT for an interrupted one): they
    start over with their attempts counted from zero. Rows in any other state are left alone."""
    return rows.filter(status=SubmissionStatus.FAILED).update(
        status=SubmissionStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        claim_token=None,
        last_error="",
    )
