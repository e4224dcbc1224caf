"""Reminder rules as data (per programme, with defaults), a programme's sending settings, and the
time zone of each province."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel
from kaderasi.reminders.models.choices import (
    FamilyDelivery,
    IndonesianTimeZone,
    RecipientRole,
    ReminderKind,
)


class ReminderRule(BaseModel):
    """When and what to send for one kind of reminder to one kind of recipient.

    A rule without a programme is the default every programme uses; a programme's own rule for
    the same kind and recipient replaces it (an inactive one switches it off for that programme).
    Which timing fields matter depends on the kind (see planning.py): `offset_minutes` moves the
    due time from the kind's anchor (a session window, the last session); `send_at` is the local
    time of day for day-based kinds; `first_day`/`last_day` bound postpartum days; `every_days`
    repeats; `lead_days` is how long before a certificate expires."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_rules",
        help_text=_("Empty: the default for every programme."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ReminderKind.choices)
    recipient_role = models.CharField(_("recipient"), max_length=10, choices=RecipientRole.choices)
    is_active = models.BooleanField(_("active"), default=True)
    offset_minutes = models.IntegerField(
        _("offset (minutes)"),
        default=0,
        help_text=_("Negative: before the anchor (e.g. -30 = half an hour before the window)."),
    )
    send_at = models.TimeField(
        _("local time of day"),
        null=True,
        blank=True,
        help_text=_("For daily and weekly reminders, in the recipient's time zone."),
    )
    stale_after_minutes = models.PositiveIntegerField(
        _("skip when late by (minutes)"),
        default=24 * 60,
        help_text=_("A reminder not sent this long after its due time is skipped on purpose."),
    )
    first_day = models.PositiveSmallIntegerField(_("from postpartum day"), null=True, blank=True)
    last_day = models.PositiveSmallIntegerField(_("to postpartum day"), null=True, blank=True)
    every_days = models.PositiveSmallIntegerField(_("repeat every (days)"), null=True, blank=True)
    lead_days = models.PositiveSmallIntegerField(
        _("days before the certificate expires"), null=True, blank=True
    )
    respects_quiet_hours = models.BooleanField(
        _("hold back during quiet hours"),
        default=True,
        help_text=_("Off only for messages the recipient expects early, such as the digest."),
    )
    message_id = models.TextField(
        _("message (Indonesian)"),
        help_text=_(
            "Placeholders in braces, e.g. {mother}, {cadre}, {recipient}, {start}, {end}, {day}, "
            "{slot}, {week}, {minutes}, {date}, {expires}, {tasks}."
        ),
    )
    message_en = models.TextField(_("message (English)"))
    whatsapp_template = models.CharField(
        _("approved WhatsApp template"),
        max_length=120,
        blank=True,
        help_text=_("Name of the template approved by Meta, for the WhatsApp Cloud API gateway."),
    )
    whatsapp_parameters = models.CharField(
        _("WhatsApp template parameters"),
        max_length=200,
        blank=True,
        help_text=_("Placeholder names filling the template's {{1}}, {{2}}…, comma-separated."),
    )
    source = models.TextField(_("source"), help_text=_("Why this rule and these times."))

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["programme__slug", "kind", "recipient_role"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "kind", "recipient_role"],
                condition=Q(programme__isnull=False),
                name="reminder_rule_one_per_programme_kind_recipient",
                violation_error_message=_(
                    "This programme already has a rule for this kind and recipient."
                ),
            ),
            models.UniqueConstraint(
                fields=["kind", "recipient_role"],
                condition=Q(programme__isnull=True),
                name="reminder_rule_one_default_per_kind_recipient",
                violation_error_message=_(
                    "There is already a default rule for this kind and recipient."
                ),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_rule_kind_is_known"
            ),
            models.CheckConstraint(
                condition=Q(recipient_role__in=RecipientRole.values),
                name="reminder_rule_recipient_is_known",
            ),
            models.CheckConstraint(
                condition=Q(first_day__isnull=True)
                | Q(last_day__isnull=True)
                | Q(last_day__gte=models.F("first_day")),
                name="reminder_rule_days_ordered",
                violation_error_message=_("The last day must not come before the first day."),
            ),
            models.CheckConstraint(
                condition=Q(every_days__isnull=True) | Q(every_days__gte=1),
                name="reminder_rule_repeat_at_least_daily",
            ),
        ]

    def __str__(self) -> str:
        scope = self.programme.slug if self.programme_id else "default"
        return f"{scope}: {self.kind} → {self.recipient_role}"

    @property
    def offset(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.offset_minutes)

    @property
    def stale_after(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.stale_after_minutes)

    def message(self, language: str) -> str:
        return self.message_en if language == "en" else self.message_id


class ProgrammeReminderSettings(BaseModel):
    """How one programme sends reminders. A programme without a row uses the defaults."""

    programme = models.OneToOneField(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="reminder_settings",
    )
    family_delivery = models.CharField(
        _("messages to mothers and families"),
        max_length=16,
        choices=FamilyDelivery.choices,
        default=FamilyDelivery.GATEWAY,
        help_text=_(
            "Without a gateway, the cadre sends them from her own WhatsApp with one tap "
            "(the 'Send reminders' screen)."
        ),
    )
    quiet_hours_start = models.TimeField(_("quiet hours from"), default=dt.time(20, 0))
    quiet_hours_end = models.TimeField(
        _("quiet hours until"),
        default=dt.time(7, 0),
        help_text=_(
            "In the recipient's time zone (WIB, WITA or WIT). Messages due in quiet hours wait "
            "until they end. The same start and end means no quiet hours."
        ),
    )

    class Meta:
        verbose_name = _("reminder settings of a programme")
        verbose_name_plural = _("reminder settings of programmes")
        ordering = ["programme__slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(family_delivery__in=FamilyDelivery.values),
                name="programme_reminder_settings_delivery_is_known",
            ),
        ]

    def __str__(self) -> str:
        return str(self.programme)


class ProvinceTimeZone(BaseModel):
    """The time zone of a province (every Indonesian province lies in one zone). Matched to an
    area by its Kemendagri code or by name; `aliases` lists other spellings in use."""

    code = models.CharField(
        _("Kemendagri code"), max_length=2, unique=True, help_text=_("e.g. 33 for Jawa Tengah.")
    )
    name = models.CharField(_("province"), max_length=80, unique=True)
    aliases = models.CharField(
        _("other names"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated, e.g. DIY, Daerah Istimewa Yogyakarta."),
    )
    time_zone = models.CharField(_("time zone"), max_length=20, choices=IndonesianTimeZone.choices)

    class Meta:
        verbose_name = _("time zone of a province")
        verbose_name_plural = _("time zones of provinces")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_zone__in=IndonesianTimeZone.values),
                name="province_time_zone_is_indonesian",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_time_zone_display()})"

    def names(self) -> list[str]:
        return [self.name, *[alias.strip() for alias in self.aliases.split(",") if alias.strip()]]
