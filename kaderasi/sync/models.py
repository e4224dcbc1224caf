"""Registry edits pushed from phones and the conflicts they raise (docs/decisions/0050): the
receipts that make a re-sent edit a duplicate, and the stale clinical fields kept for the midwife.

The tables keep the names they had in the API app (`api_registryedit`, `api_conflict`): the
models moved app, the data did not (docs/decisions/0071)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel


class ConflictStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the midwife")
    RESOLVED = "resolved", _("Resolved")


class ConflictResolution(models.TextChoices):
    KEPT_SERVER = "kept_server", _("Kept the value on the server")
    TOOK_DEVICE = "took_device", _("Took the value from the phone")
    EDITED = "edited", _("Entered another value")


class RegistryRecord(models.TextChoices):
    """The registry rows a phone may edit, each with its own push record type."""

    MOTHER = "mother", _("Mother")
    DELIVERY = "delivery", _("Delivery")
    INFANT = "infant", _("Infant")


class RegistryEdit(BaseModel):
    """The receipt of a registry edit pushed from a phone: which fields were applied and which
    became conflicts. Its `client_record_id` makes a re-sent edit a duplicate instead of a second
    (by then stale) edit."""

    client_record_id = models.UUIDField(_("id of the pushed record"), unique=True)
    record = models.CharField(_("record"), max_length=10, choices=RegistryRecord.choices)
    mother = models.ForeignKey(
        "care.Mother", verbose_name=_("mother"), on_delete=models.CASCADE, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"))
    applied_fields = models.JSONField(_("fields applied"), default=list, blank=True)
    conflict_fields = models.JSONField(_("fields kept for the midwife"), default=list, blank=True)

    class Meta:
        db_table = "api_registryedit"
        verbose_name = _("registry edit")
        verbose_name_plural = _("registry edits")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(record__in=RegistryRecord.values), name="registry_edit_record_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record} {self.client_record_id}"


class Conflict(BaseModel):
    """A registry edit from a phone that was based on an older version of a clinically relevant
    field (or of a field changed on the server since): kept aside, never applied silently, until
    the midwife decides. `client_record_id` is the id of the pushed record, so a re-sent edit is
    recognised."""

    client_record_id = models.UUIDField(_("id of the pushed record"))
    mother = models.ForeignKey(
        "care.Mother", verbose_name=_("mother"), on_delete=models.CASCADE, related_name="+"
    )
    record = models.CharField(_("record"), max_length=10, choices=RegistryRecord.choices)
    record_public_id = models.UUIDField(_("public id of the edited row"))
    field = models.CharField(_("field"), max_length=40)
    base_version = models.DateTimeField(_("version the phone had"))
    server_version = models.DateTimeField(_("version on the server"))
    device_value = models.JSONField(_("value from the phone"), null=True, blank=True)
    server_value = models.JSONField(_("value on the server"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    status = models.CharField(
        _("status"), max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    resolution = models.CharField(
        _("resolution"), max_length=12, choices=ConflictResolution.choices, blank=True
    )
    resolved_value = models.JSONField(_("value kept"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        db_table = "api_conflict"
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["client_record_id", "field"], name="conflict_one_per_pushed_field"
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ConflictStatus.OPEN)
                    & Q(resolution="")
                    & Q(resolved_at__isnull=True)
                    & Q(resolved_by__isnull=True)
                )
                | (
                    Q(status=ConflictStatus.RESOLVED)
                    & ~Q(resolution="")
                    & Q(resolved_at__isnull=False)
                    & Q(resolved_by__isnull=False)
                ),
                name="conflict_resolved_with_resolution_time_and_author",
                violation_error_message=_("A resolved conflict needs its resolution and author."),
            ),
            models.CheckConstraint(
                condition=Q(record__in=RegistryRecord.values), name="conflict_record_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record}.{self.field} {self.status}"
