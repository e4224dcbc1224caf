"""Plumbing shared by every domain model."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every row has a public UUID (the only id that leaves the server) and creation/update times.

    The offline client generates `public_id` for the records it creates, so a re-sent create
    is recognised as the same row.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class HeartbeatJob(BaseModel):
    """Work a person waits for on a page (a report export, a web import), done by the background
    worker: its status and step, when a worker started it, the running worker's heartbeat
    (`core.heartbeats`), how many workers died on it, when it finished, what went wrong.

    A subclass declares `status` and `step` over its own choices with `status_field` and
    `step_field` (the words differ: an export is "Ready", an import "Imported"); every status
    set has QUEUED, RUNNING, DONE and FAILED, every step set WAITING, which
    `heartbeats.lost_rows_recover` and the pages rely on."""

    language = models.CharField(_("language"), max_length=8, default="id")
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Stamped by the running worker (kaderasi.core.heartbeats); a stale stamp means it died.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # How many times a worker died on it (it is queued again once, then failed).
    interruptions = models.PositiveSmallIntegerField(_("worker interruptions"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @staticmethod
    def status_field(statuses: type[models.TextChoices]) -> models.CharField:
        """The `status` field over `statuses`; a job starts queued."""
        return models.CharField(
            _("status"), max_length=8, choices=statuses.choices, default=statuses.QUEUED
        )

    @staticmethod
    def step_field(steps: type[models.TextChoices], *, max_length: int) -> models.CharField:
        """The `step` field over `steps`; a job starts waiting for a worker."""
        return models.CharField(
            _("step"), max_length=max_length, choices=steps.choices, default=steps.WAITING
        )
