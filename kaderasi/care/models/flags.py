"""Flags raised by configurable rules, and the referral to the midwife each one opens."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kaderasi.care.models.mothers import Mother
from kaderasi.core.models import BaseModel


class FlagSeverity(models.TextChoices):
    RED = "red", _("Red: refer the same day")
    AMBER = "amber", _("Amber: midwife review within 24 hours")


class FlagRule(BaseModel):
    """A rule as data, with its source (domain reference §3.5 proposals need a midwife's sign-off).
    `code` selects the evaluation in code; `parameters` holds its thresholds."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    severity = models.CharField(_("severity"), max_length=8, choices=FlagSeverity.choices)
    title_id = models.CharField(_("title (Indonesian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    source = models.TextField(_("source"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("flag rule")
        verbose_name_plural = _("flag rules")
        ordering = ["severity", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=FlagSeverity.values), name="flag_rule_severity_is_known"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        return self.title_id if (get_language() or "id").startswith("id") else self.title_en


class Flag(BaseModel):
    """A rule fired for a mother. `detail` keeps the values that fired it."""

    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="flags"
    )
    district = models.ForeignKey(
        "regions.Area", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    rule = models.ForeignKey(
        FlagRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="flags"
    )
    severity = models.CharField(_("severity"), max_length=8, choices=FlagSeverity.choices)
    raised_at = models.DateTimeField(_("raised at"))
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    measurement = models.ForeignKey(
        "care.Measurement",
        verbose_name=_("measurement"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
    )
    massage_session = models.ForeignKey(
        "care.MassageSession",
        verbose_name=_("massage session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
    )
    scheduled_session = models.ForeignKey(
        "care.ScheduledSession",
        verbose_name=_("scheduled session"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
    )
    danger_sign_report = models.ForeignKey(
        "care.DangerSignReport",
        verbose_name=_("danger-sign check"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
    )
    latch_observation = models.ForeignKey(
        "care.LatchObservation",
        verbose_name=_("breastfeeding observation (LATCH)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
    )

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["district", "raised_at"]),
            models.Index(fields=["mother", "rule"]),
        ]
        # A rule judges one record once: re-evaluating it (a re-sent record, a sweep that runs
        # every minute) never raises the same flag twice.
        constraints = [
            models.UniqueConstraint(
                fields=["rule", field],
                condition=Q(**{f"{field}__isnull": False}),
                name=f"flag_once_per_rule_and_{field}",
            )
            for field in (
                "measurement",
                "massage_session",
                "scheduled_session",
                "danger_sign_report",
                "latch_observation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mother.code} {self.rule.code}"


class ReferralStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


class ReferralOutcome(models.TextChoices):
    HANDLED_AT_HOME = "handled_at_home", _("Handled at home")
    SEEN_BY_MIDWIFE = "seen_by_midwife", _("Seen by the midwife")
    REFERRED_TO_PUSKESMAS = "referred_to_puskesmas", _("Referred to the puskesmas")
    REFERRED_TO_HOSPITAL = "referred_to_hospital", _("Referred to hospital")
    NO_ACTION_NEEDED = "no_action_needed", _("No action needed")
    OTHER = "other", _("Other")


class Referral(BaseModel):
    """What a flag asks of the midwife: she acknowledges it, acts, and closes it with an outcome."""

    flag = models.OneToOneField(
        Flag, verbose_name=_("flag"), on_delete=models.CASCADE, related_name="referral"
    )
    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="referrals"
    )
    district = models.ForeignKey(
        "regions.Area", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=14, choices=ReferralStatus.choices, default=ReferralStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action_taken = models.TextField(_("action taken"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    outcome = models.CharField(
        _("outcome"), max_length=24, choices=ReferralOutcome.choices, blank=True
    )

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["district", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(status=ReferralStatus.CLOSED) & Q(closed_at__isnull=False) & ~Q(outcome="")
                )
                | (~Q(status=ReferralStatus.CLOSED) & Q(closed_at__isnull=True)),
                name="referral_closed_with_time_and_outcome",
                violation_error_message=_("A closed referral needs its closing time and outcome."),
            ),
            models.CheckConstraint(
                condition=Q(status=ReferralStatus.OPEN) | Q(acknowledged_at__isnull=False),
                name="referral_acknowledged_before_closing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mother.code} {self.status}"
