"""How a programme is alerted to danger signs: how long the midwife has to acknowledge before the
alert escalates, and to whom it escalates."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel

DEFAULT_SOURCE = (
    "Proposal [S] (issue 19), for the programme midwife's and the puskesmas's sign-off: an "
    "emergency danger sign (Buku KIA; WHO 2022 postnatal care: refer urgently) should reach a "
    "midwife who answers within 60 minutes, a same-day sign within 4 hours; otherwise the "
    "programme's coordinators and the puskesmas contact are told. Numbers are not from a "
    "guideline."
)


class DangerAlertSettings(BaseModel):
    """When an unacknowledged danger sign escalates, per programme. The row without a programme
    is the default every programme uses until it has its own."""

    programme = models.OneToOneField(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="danger_alert_settings",
        help_text=_("Empty: the default for every programme."),
    )
    emergency_acknowledge_minutes = models.PositiveIntegerField(
        _("emergency: escalate when not acknowledged within (minutes)"), default=60
    )
    same_day_acknowledge_minutes = models.PositiveIntegerField(
        _("same-day sign: escalate when not acknowledged within (minutes)"), default=4 * 60
    )
    escalate_to_coordinators = models.BooleanField(
        _("escalate to the programme's coordinators"),
        default=True,
        help_text=_("The coordinators on the programme's team, with a phone number."),
    )
    escalation_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("puskesmas contact"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A user (e.g. the puskesmas's coordinating midwife) who also receives it."),
    )
    history_after_hours = models.PositiveIntegerField(
        _("no alert for a check older than (hours)"),
        default=7 * 24,
        help_text=_(
            "A check that reaches the server this long after it was observed is history (an "
            "import): it is flagged, but nobody is alerted."
        ),
    )
    source = models.TextField(_("source"), default=DEFAULT_SOURCE)

    class Meta:
        verbose_name = _("danger-sign alert settings")
        verbose_name_plural = _("danger-sign alert settings")
        ordering = ["programme__slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(programme__isnull=True),
                name="danger_alert_settings_one_default",
                violation_error_message=_("There are already default danger-sign alert settings."),
            ),
            models.CheckConstraint(
                condition=Q(emergency_acknowledge_minutes__gte=1)
                & Q(same_day_acknowledge_minutes__gte=1),
                name="danger_alert_settings_positive_delays",
                violation_error_message=_("The time to acknowledge must be at least a minute."),
            ),
        ]

    def __str__(self) -> str:
        return self.programme.slug if self.programme_id else str(_("Default"))

    def acknowledge_within(self, severity: str) -> dt.timedelta:
        minutes = (
            self.emergency_acknowledge_minutes
            if severity == "emergency"
            else self.same_day_acknowledge_minutes
        )
        return dt.timedelta(minutes=minutes)
