"""A programme: one run of cadre training and One Kader One Client accompaniment in an area."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel


class StudyDesign(models.TextChoices):
    SINGLE_GROUP = "single_group", _("Single group, before and after")
    TWO_GROUP = "two_group", _("Intervention and comparison groups")


# The first massage waits for the mother and baby to be stable. A proposal needing the programme
# midwife's sign-off, shipped as the default text of `first_massage_timing_source`.
FIRST_MASSAGE_TIMING_SOURCE = (
    "Proposal (issue 19), to be signed off by the programme midwife: the first massage not before "
    "6 hours after the birth and, when the programme asks for it, not before the midwife's first "
    "postnatal check (KF1). WHO recommendations on maternal and newborn care for a positive "
    "postnatal experience (2022): the first postnatal check within 24 hours of birth, mother and "
    "baby staying at least 24 hours in the facility after a vaginal birth; the first 1-2 hours are "
    "the fourth stage of labour and early initiation of breastfeeding (IMD), which a massage must "
    "not interrupt. Buku KIA / Permenkes 21/2021: KF1 is 6 hours to 2 days after the birth."
)

# Visits the midwife makes after the protocol's days (Buku KIA; Permenkes 21/2021): the cadre's
# accompaniment hands the mother over to them. Postpartum days, inclusive.
POSTNATAL_VISITS_SOURCE = (
    "Buku KIA (Kemenkes, 2020 and later editions) and Permenkes 21/2021: postnatal visits for the "
    "mother KF1 6 h-2 d, KF2 day 3-7, KF3 day 8-28, KF4 day 29-42; for the newborn KN1 6-48 h, "
    "KN2 day 3-7, KN3 day 8-28 (domain reference 5.2)."
)


# When the baseline and follow-up volumes are measured (issue 13, item 2): the paper's programme
# massages from postpartum day 1 for three days, so "before" is day 1, before the first massage,
# and "after" day 3-4 (domain reference 4.2 and 6.3). Day 2 is allowed for the baseline because
# the first massage may wait for the midwife's first postnatal check (KF1, 6 h to 2 days).
PROTOCOL_DAYS_SOURCE = (
    "Sari & Agustina, Pandes 2018, as read in the domain reference 4.2 and 6.3: massage from "
    "postpartum day 1 for 3 days; the baseline volume before the first massage on day 1 (day 2 "
    "allowed when the first massage waits for KF1, Permenkes 21/2021: 6 h-2 d), the follow-up "
    "volume on day 3-4, after the baseline."
)


def default_postnatal_visits() -> list[dict]:
    return [
        {"code": "KF2", "subject": "mother", "from_day": 3, "to_day": 7},
        {"code": "KN2", "subject": "infant", "from_day": 3, "to_day": 7},
    ]


def postnatal_visits_problem(visits) -> str | None:
    """Why `visits` is not a list of postnatal visits (a translated message), or None."""
    if not isinstance(visits, list):
        return _("The postnatal visits must be a list.")
    for visit in visits:
        if not isinstance(visit, dict) or not {"code", "from_day", "to_day"} <= set(visit):
            return _('Each postnatal visit needs "code", "from_day" and "to_day".')
        days = (visit["from_day"], visit["to_day"])
        if not all(isinstance(d, int) and not isinstance(d, bool) for d in days):
            return _("The days of a postnatal visit must be whole numbers.")
        if not 1 <= days[0] <= days[1] <= 42:
            return _("A postnatal visit runs from a day to a later day, within days 1 to 42.")
        if visit.get("subject", "mother") not in {"mother", "infant"}:
            return _('The subject of a postnatal visit is "mother" or "infant".')
    return None


# The programme's own clinical protocol: what a midwife's approval of the rules covers besides the
# shared rule tables (an edit of one of these makes the rules proposals again).
CLINICAL_PROTOCOL_FIELDS = (
    "sessions_per_day",
    "session_minutes_min",
    "session_minutes_max",
    "protocol_days",
    "start_postpartum_day",
    "antenatal_start_week",
    "first_massage_min_hours",
    "first_massage_after_postnatal_check",
    "postnatal_visits",
)


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
    first_massage_min_hours = models.PositiveSmallIntegerField(
        _("first massage at the earliest (hours after the birth)"),
        default=6,
        help_text=_(
            "Proposed default 6 hours: the fourth stage of labour and early initiation of "
            "breastfeeding come first (WHO 2022 postnatal care). No window of the schedule opens "
            "earlier."
        ),
    )
    first_massage_after_postnatal_check = models.BooleanField(
        _("first massage only after the midwife's first postnatal check (KF1)"),
        default=True,
        help_text=_(
            "When on, the first massage also waits until the midwife has recorded her first "
            "postnatal check; until then the schedule says it is waiting for it."
        ),
    )
    first_massage_timing_source = models.TextField(
        _("source of the first-massage timing"), default=FIRST_MASSAGE_TIMING_SOURCE
    )
    postnatal_visits = models.JSONField(
        _("postnatal visits after the protocol"),
        default=default_postnatal_visits,
        blank=True,
        help_text=_(
            "The midwife's visits the mother is handed over to when the massage days end: a list "
            'of {"code": "KF2", "subject": "mother" or "infant", "from_day": 3, "to_day": 7}.'
        ),
    )
    postnatal_visits_source = models.TextField(
        _("source of the postnatal visits"), default=POSTNATAL_VISITS_SOURCE
    )
    baseline_day_from = models.PositiveSmallIntegerField(
        _("baseline volume from postpartum day"), default=1
    )
    baseline_day_to = models.PositiveSmallIntegerField(
        _("baseline volume up to postpartum day"), default=2
    )
    follow_up_day_from = models.PositiveSmallIntegerField(
        _("follow-up volume from postpartum day"), default=3
    )
    follow_up_day_to = models.PositiveSmallIntegerField(
        _("follow-up volume up to postpartum day"), default=4
    )
    follow_up_after_baseline = models.BooleanField(
        _("follow-up volume measured after the baseline volume"), default=True
    )
    protocol_days_source = models.TextField(
        _("source of the measurement days"), default=PROTOCOL_DAYS_SOURCE
    )
    analyse_protocol_conformant_only = models.BooleanField(
        _("analyse only protocol-conformant pairs"),
        default=False,
        help_text=_(
            "When on, the evaluation leaves out the mothers whose baseline or follow-up volume "
            "falls outside the measurement days above (they are counted in the participant flow "
            "and the report says so). When off, they are analysed and counted."
        ),
    )
    is_illustrative = models.BooleanField(
        _("contains illustrative data"),
        default=False,
        help_text=_("Some values were generated to illustrate published summary figures."),
    )
    data_note = models.TextField(_("note on the data"), blank=True)
    # Data minimisation (UU PDP): the district office sees codes and aggregates unless granted.
    district_sees_names = models.BooleanField(
        _("district office sees names"),
        default=False,
        help_text=_(
            "Off: the district health office sees mothers' codes and the programme's numbers, "
            "not names or a mother's pages. Turn on only when an agreement gives it the names."
        ),
    )
    identifiable_data_kept_days = models.PositiveIntegerField(
        _("identities kept after the end (days)"),
        default=1825,
        help_text=_(
            "How long after the programme ends mothers' names, NIK, phone numbers and birth "
            "dates are kept; then they are erased and the records stay under their codes. "
            "Set it from the ethics approval or the data agreement."
        ),
    )

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
            models.CheckConstraint(
                condition=Q(baseline_day_from__gte=1)
                & Q(baseline_day_to__gte=F("baseline_day_from"))
                & Q(baseline_day_to__lte=42),
                name="programme_baseline_days_ordered",
                violation_error_message=_(
                    "Baseline days: the last day must be at least the first (days 1 to 42)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(follow_up_day_from__gte=1)
                & Q(follow_up_day_to__gte=F("follow_up_day_from"))
                & Q(follow_up_day_to__lte=42),
                name="programme_follow_up_days_ordered",
                violation_error_message=_(
                    "Follow-up days: the last day must be at least the first (days 1 to 42)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(first_massage_min_hours__lte=72),
                name="programme_first_massage_within_72_hours",
                violation_error_message=_(
                    "The first massage cannot be asked to wait more than 72 hours after the birth."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clinical_protocol(self) -> dict:
        """The clinical protocol as it stands (`CLINICAL_PROTOCOL_FIELDS`), as JSON values."""
        return {name: getattr(self, name) for name in CLINICAL_PROTOCOL_FIELDS}

    def clean(self) -> None:
        problem = postnatal_visits_problem(self.postnatal_visits)
        if problem:
            raise ValidationError({"postnatal_visits": problem})


class ClinicalRulesApproval(BaseModel):
    """A midwife's review and approval of the clinical rules a programme works with: the flag
    rules, the danger signs and their severities, the milk-volume references, the first-massage
    timing and the thresholds the booklet and the knowledge test print (issue 19). The latest
    approval is the one in force; until there is one, the pages say that the rules are
    proposals not yet approved. Recorded with `clinical_rules_approve`."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="clinical_rules_approvals",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by (midwife)"),
        on_delete=models.PROTECT,
        related_name="clinical_rules_approvals",
        limit_choices_to={"role": "midwife"},
    )
    approved_on = models.DateField(_("approved on"))
    note = models.TextField(
        _("what she reviewed"),
        blank=True,
        help_text=_(
            "The rules and texts she read (e.g. the booklet edition), and any rule she changed or "
            "did not approve."
        ),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    protocol = models.JSONField(
        _("protocol approved"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "The programme's clinical protocol when she approved it (sessions a day, minutes, "
            "days, first massage): a later change makes the rules proposals again."
        ),
    )

    class Meta:
        verbose_name = _("clinical rules approval")
        verbose_name_plural = _("clinical rules approvals")
        ordering = ["programme", "-approved_on", "-created_at"]

    def __str__(self) -> str:
        return f"{self.programme} · {self.approved_on:%Y-%m-%d}"
