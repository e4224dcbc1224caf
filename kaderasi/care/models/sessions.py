"""Massage sessions: the schedule derived from the delivery and the protocol, and what was done."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaderasi.care.models.mothers import Mother
from kaderasi.core.models import BaseModel


class SessionStatus(models.TextChoices):
    """Derived (never stored) from the window, the clock and the session done."""

    UPCOMING = "upcoming", _("Upcoming")
    DUE = "due", _("Due")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    SKIPPED = "skipped", _("Skipped")
    CANCELLED = "cancelled", _("Cancelled")


class SkipReason(models.TextChoices):
    """Why a planned massage was not given. Declining is the mother's right: it is recorded, not
    referred (only a repeated refusal may ask the midwife to talk with her, by rule)."""

    MOTHER_DECLINES = "mother_declines", _("The mother declines")
    MOTHER_UNWELL = "mother_unwell", _("The mother is unwell")
    OTHER = "other", _("Other")


class CancelReason(models.TextChoices):
    """Why a planned session was cancelled (superseded rows stay, for history and reminders)."""

    RESCHEDULED = "rescheduled", _("Rescheduled (delivery time or protocol changed)")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    BIRTH_OUTCOME = "birth_outcome", _("Birth outcome stops the massage")


class ScheduledSession(BaseModel):
    """One planned massage session: postpartum `day`, `slot` within the day (1 = morning …)
    and the window in which it should happen. Rows are re-derived when the delivery time or the
    protocol changes: superseded rows are cancelled, never deleted, so reminders and history stay
    traceable."""

    mother = models.ForeignKey(
        Mother,
        verbose_name=_("mother"),
        on_delete=models.CASCADE,
        related_name="scheduled_sessions",
    )
    district = models.ForeignKey(
        "regions.Area", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    postpartum_day = models.PositiveSmallIntegerField(_("postpartum day"))
    slot = models.PositiveSmallIntegerField(_("session of the day"))
    window_starts_at = models.DateTimeField(_("window starts at"))
    window_ends_at = models.DateTimeField(_("window ends at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(
        _("reason for cancelling"), max_length=20, choices=CancelReason.choices, blank=True
    )
    skipped_at = models.DateTimeField(_("skipped at"), null=True, blank=True)
    skip_reason = models.CharField(
        _("reason for skipping"), max_length=20, choices=SkipReason.choices, blank=True
    )
    skip_note = models.TextField(_("note on skipping"), blank=True)
    skipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skipped by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The id of the "not given" record as the cadre's phone or form made it: the same record
    # sent again is a duplicate, not a second skip (refused as "already skipped").
    skip_record_id = models.UUIDField(_("skip record id"), null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("scheduled session")
        verbose_name_plural = _("scheduled sessions")
        ordering = ["window_starts_at"]
        indexes = [models.Index(fields=["district", "window_starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_ends_at__gt=F("window_starts_at")),
                name="scheduled_session_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(postpartum_day__gte=1) & Q(slot__gte=1),
                name="scheduled_session_day_and_slot_from_1",
            ),
            models.UniqueConstraint(
                fields=["mother", "postpartum_day", "slot"],
                condition=Q(cancelled_at__isnull=True),
                name="scheduled_session_one_live_per_slot",
            ),
            models.CheckConstraint(
                condition=(Q(skipped_at__isnull=True) & Q(skip_reason=""))
                | (Q(skipped_at__isnull=False) & Q(skip_reason__in=SkipReason.values)),
                name="scheduled_session_skipped_with_reason",
                violation_error_message=_("A skipped session needs its reason."),
            ),
            models.CheckConstraint(
                condition=~Q(skip_reason=SkipReason.OTHER) | ~Q(skip_note=""),
                name="scheduled_session_other_skip_has_note",
                violation_error_message=_("Describe why the session was skipped."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mother.code} day {self.postpartum_day} #{self.slot}"


class PerformedBy(models.TextChoices):
    CADRE = "cadre", _("Cadre")
    HUSBAND = "husband", _("Husband")
    FAMILY = "family", _("Family member taught by the cadre")
    MIDWIFE = "midwife", _("Midwife")


class MassageSession(BaseModel):
    """A massage actually done: an append-only event. The offline client generates `public_id`,
    so a re-sent session is recognised, never stored twice."""

    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="massage_sessions"
    )
    district = models.ForeignKey(
        "regions.Area", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    scheduled_session = models.OneToOneField(
        ScheduledSession,
        verbose_name=_("scheduled session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="massage_session",
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("accompanying cadre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="massage_sessions",
    )
    performed_by = models.CharField(_("massaged by"), max_length=10, choices=PerformedBy.choices)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"))
    steps_done = models.JSONField(
        _("SOP steps done"), default=list, blank=True, help_text=_("Numbers of the SOP steps done.")
    )
    comfort = models.PositiveSmallIntegerField(_("mother's comfort (1–5)"), null=True, blank=True)
    complaints = models.TextField(_("complaints"), blank=True)
    adverse_event = models.TextField(_("adverse event"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("massage session")
        verbose_name_plural = _("massage sessions")
        ordering = ["started_at"]
        indexes = [models.Index(fields=["mother", "started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gt=F("started_at")),
                name="massage_session_ends_after_it_starts",
                violation_error_message=_("A session must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(comfort__isnull=True) | (Q(comfort__gte=1) & Q(comfort__lte=5)),
                name="massage_session_comfort_1_to_5",
                violation_error_message=_("Comfort is scored from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(performed_by__in=PerformedBy.values),
                name="massage_session_performer_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mother.code} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration_minutes(self) -> float:
        return (self.ended_at - self.started_at).total_seconds() / 60
