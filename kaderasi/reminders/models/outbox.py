"""The outbox: one row per reminder, planned ahead, claimed before sending, kept as the log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.field_crypto import EncryptedTextField
from kaderasi.core.models import BaseModel
from kaderasi.reminders.models.choices import (
    Channel,
    Language,
    RecipientRole,
    ReminderKind,
    ReminderStatus,
    StatusReason,
)

# A digest of a cadre's day is the longest text sent; a WhatsApp text may hold 4,096 characters.
BODY_MAX_LENGTH = 10_000


class Reminder(BaseModel):
    """One message to one recipient. `planning_key` names the reminder (kind, anchor, recipient),
    so planning again finds the row instead of adding a second one. `public_id` is the reference
    given to gateways, so a message is recognised if sending is repeated after a crash.

    The recipient is the mother, a family member, a cadre or a user (midwife), as `recipient_role`
    says; `mother` is also set on every reminder about a mother. `district` is copied so the table
    can be partitioned by area."""

    planning_key = models.CharField(_("planning key"), max_length=160, unique=True)
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    district = models.ForeignKey(
        "regions.Area", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(
        "reminders.ReminderRule",
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        related_name="reminders",
        help_text=_("A rule that planned reminders is switched off, never deleted."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ReminderKind.choices)
    recipient_role = models.CharField(_("recipient"), max_length=10, choices=RecipientRole.choices)
    mother = models.ForeignKey(
        "care.Mother",
        verbose_name=_("mother"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    family_member = models.ForeignKey(
        "reminders.FamilyMember",
        verbose_name=_("family member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("midwife"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    relay_cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("sent by cadre"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="relayed_reminders",
        help_text=_("Without a gateway: the cadre who sends it from her own WhatsApp."),
    )
    scheduled_session = models.ForeignKey(
        "care.ScheduledSession",
        verbose_name=_("scheduled session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    template = models.CharField(
        _("template"),
        max_length=120,
        help_text=_("The rule's message, or the approved WhatsApp template, used for it."),
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    context = models.JSONField(_("details"), default=dict, blank=True)
    due_at = models.DateTimeField(_("due at"))
    stale_at = models.DateTimeField(_("skipped if not sent by"))
    respects_quiet_hours = models.BooleanField(_("held back during quiet hours"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PLANNED
    )
    status_reason = models.CharField(
        _("reason"), max_length=32, choices=StatusReason.choices, blank=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim token"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    provider_message_id = models.CharField(_("gateway message id"), max_length=200, blank=True)
    # The text names the mother and her cadre: stored encrypted, like NIK and phone numbers.
    body = EncryptedTextField(_("text sent"), blank=True, plain_max_length=BODY_MAX_LENGTH)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="reminder_status_due"),
            models.Index(fields=["mother", "due_at"], name="reminder_mother_due"),
            models.Index(fields=["relay_cadre", "due_at"], name="reminder_relay_cadre_due"),
            models.Index(fields=["district", "due_at"], name="reminder_district_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(recipient_role=RecipientRole.MOTHER)
                    & Q(mother__isnull=False)
                    & Q(family_member__isnull=True)
                    & Q(cadre__isnull=True)
                    & Q(user__isnull=True)
                )
                | (
                    Q(recipient_role=RecipientRole.FAMILY)
                    & Q(mother__isnull=False)
                    & Q(family_member__isnull=False)
                    & Q(cadre__isnull=True)
                    & Q(user__isnull=True)
                )
                | (
                    Q(recipient_role=RecipientRole.CADRE)
                    & Q(family_member__isnull=True)
                    & Q(cadre__isnull=False)
                    & Q(user__isnull=True)
                )
                | (
                    Q(recipient_role__in=[RecipientRole.MIDWIFE, RecipientRole.ESCALATION])
                    & Q(family_member__isnull=True)
                    & Q(cadre__isnull=True)
                    & Q(user__isnull=False)
                ),
                name="reminder_recipient_matches_role",
            ),
            models.CheckConstraint(
                condition=(Q(channel=Channel.CADRE_WHATSAPP) & Q(relay_cadre__isnull=False))
                | (~Q(channel=Channel.CADRE_WHATSAPP) & Q(relay_cadre__isnull=True)),
                name="reminder_relay_cadre_iff_cadre_whatsapp",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=ReminderStatus.SENDING)
                    & Q(claim_token__isnull=False)
                    & Q(claimed_at__isnull=False)
                )
                | (~Q(status=ReminderStatus.SENDING) & Q(claim_token__isnull=True)),
                name="reminder_claimed_iff_sending",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReminderStatus.SENT) | Q(sent_at__isnull=False),
                name="reminder_sent_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReminderStatus.values), name="reminder_status_is_known"
            ),
            models.CheckConstraint(
                condition=Q(stale_at__gte=models.F("due_at")), name="reminder_stale_after_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_role} {self.due_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in {ReminderStatus.PLANNED, ReminderStatus.DELAYED}
