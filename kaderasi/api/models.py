"""What the sync API keeps: device tokens and the snapshots behind pull cursors. Registry edits
and their conflicts are the sync app's (kaderasi.sync.models)."""

from django.conf import settings
from django.db import models
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
