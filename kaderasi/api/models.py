"""What the sync API keeps: device tokens, the snapshots behind pull cursors, and conflicts."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel


class DeviceToken(BaseModel):
    """A bearer token for one phone of one user. Only the SHA-256 of the secret is stored: the
    secret is shown once, when the token is issued. A token works until `expires_at` or until
    it is revoked, by its user or by an administrator."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="device_tokens",
    )
    device_name = models.CharField(_("device name"), max_length=80)
    secret_hash = models.CharField(_("hash of the secret"), max_length=64, unique=True)
    hint = models.CharField(
        _("first characters"),
        max_length=8,
        help_text=_("The first characters of the secret, to recognise a token in a list."),
    )
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("device token")
        verbose_name_plural = _("device tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.device_name} ({self.hint}…)"


class SyncSnapshot(BaseModel):
    """The mothers a user could see when a pull cursor was issued. The next pull compares it with
    what she sees now: mothers that left her scope become tombstones, mothers that entered it are
    sent whole. One row per distinct set (a cadre's set changes only when her pairings do)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    digest = models.CharField(_("digest of the set"), max_length=64)
    mother_ids = models.JSONField(_("mothers (internal ids)"), default=list)

    class Meta:
        verbose_name = _("sync snapshot")
        verbose_name_plural = _("sync snapshots")
        constraints = [
            models.UniqueConstraint(fields=["user", "digest"], name="sync_snapshot_unique_set"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.digest[:8]}"


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
