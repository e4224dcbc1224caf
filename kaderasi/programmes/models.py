"""A programme: one run of cadre training and One Kader One Client accompaniment in an area."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel


class StudyDesign(models.TextChoices):
    SINGLE_GROUP = "single_group", _("Single group, before and after")
    TWO_GROUP = "two_group", _("Intervention and comparison groups")


class Programme(BaseModel):
    """Protocol settings default to the paper's programme (Sari & Agustina, Pandes 2018): two
    sessions a day of 10–15 minutes for three days from postpartum day 1, one client per cadre,
    antenatal education from 36 weeks."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    area = models.ForeignKey(
        "regions.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="programmes"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    design = models.CharField(
        _("study design"),
        max_length=20,
        choices=StudyDesign.choices,
        default=StudyDesign.SINGLE_GROUP,
    )
    team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team"),
        blank=True,
        related_name="programmes",
    )
    sessions_per_day = models.PositiveSmallIntegerField(_("massage sessions per day"), default=2)
    session_minutes_min = models.PositiveSmallIntegerField(
        _("minimum minutes per session"), default=10
    )
    session_minutes_max = models.PositiveSmallIntegerField(
        _("maximum minutes per session"), default=15
    )
    protocol_days = models.PositiveSmallIntegerField(_("days of massage"), default=3)
    start_postpartum_day = models.PositiveSmallIntegerField(_("first postpartum day"), default=1)
    max_active_clients_per_cadre = models.PositiveSmallIntegerField(
        _("maximum active clients per cadre"), default=1
    )
    antenatal_start_week = models.PositiveSmallIntegerField(
        _("antenatal education from week"), default=36
    )
    is_illustrative = models.BooleanField(
        _("contains illustrative data"),
        default=False,
        help_text=_("Some values were generated to illustrate published summary figures."),
    )
    data_note = models.TextField(_("note on the data"), blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="programme_ends_after_it_starts",
                violation_error_message=_("The programme cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(sessions_per_day__gte=1) & Q(sessions_per_day__lte=6),
                name="programme_sessions_per_day_1_to_6",
            ),
            models.CheckConstraint(
                condition=Q(session_minutes_min__gte=1)
                & Q(session_minutes_max__gte=F("session_minutes_min"))
                & Q(session_minutes_max__lte=120),
                name="programme_session_minutes_ordered",
                violation_error_message=_(
                    "Session minutes: the maximum must be at least the minimum (and at most 120)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(protocol_days__gte=1) & Q(protocol_days__lte=42),
                name="programme_protocol_days_1_to_42",
            ),
            models.CheckConstraint(
                condition=Q(start_postpartum_day__gte=1) & Q(start_postpartum_day__lte=42),
                name="programme_start_day_1_to_42",
            ),
            models.CheckConstraint(
                condition=Q(max_active_clients_per_cadre__gte=1),
                name="programme_cadre_cap_at_least_one",
            ),
            models.CheckConstraint(
                condition=Q(antenatal_start_week__gte=20) & Q(antenatal_start_week__lte=42),
                name="programme_antenatal_week_20_to_42",
            ),
            models.CheckConstraint(
                condition=Q(design__in=StudyDesign.values), name="programme_design_is_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name
