"""Input of the report and dashboard pages."""

import contextlib
import datetime as dt
import uuid

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.accounts.models import User
from kaderasi.accounts.selectors import scope_areas_of, sees_everything
from kaderasi.core.select_widget import PlainSelect
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.regions.models import LEVEL_ORDER, Area, AreaLevel
from kaderasi.regions.selectors import within_areas_q
from kaderasi.reports.dashboards import DashboardFilters, Granularity, earliest_day
from kaderasi.reports.models import ExportFormat

# More areas than this in the filter list and villages are left out (the table by area drills
# down instead), so the page stays light for a province-wide user.
MAX_AREA_CHOICES = 300
NBSP = "\u00a0"


class ConclusionForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=8000,
        help_text=_("Leave empty to use the suggested conclusion."),
    )


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("File"), choices=ExportFormat.choices)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    pseudonymised = forms.BooleanField(
        label=_("Codes instead of names (no phone numbers)"),
        required=False,
        initial=True,
        help_text=_("Required for sharing outside the programme team."),
    )


class Period:
    LAST_4_WEEKS = "4w"
    LAST_12_WEEKS = "12w"
    LAST_6_MONTHS = "6m"
    LAST_12_MONTHS = "12m"
    ALL = "all"
    CUSTOM = "custom"


PERIOD_CHOICES = [
    (Period.LAST_4_WEEKS, _("Last 4 weeks")),
    (Period.LAST_12_WEEKS, _("Last 12 weeks")),
    (Period.LAST_6_MONTHS, _("Last 6 months")),
    (Period.LAST_12_MONTHS, _("Last 12 months")),
    (Period.ALL, _("All time")),
    (Period.CUSTOM, _("Choose dates")),
]
PERIOD_DAYS = {
    Period.LAST_4_WEEKS: 28,
    Period.LAST_12_WEEKS: 84,
    Period.LAST_6_MONTHS: 183,
    Period.LAST_12_MONTHS: 365,
}


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, area: Area) -> str:
        depth = LEVEL_ORDER.index(area.level)
        return f"{NBSP * 3 * depth}{area.name}"


class DashboardFilterForm(forms.Form):
    """Area, programme and period of a dashboard. Invalid or missing input falls back to the
    defaults (the whole scope, the last 12 weeks) rather than an empty page. Its lists are
    `PlainSelect`s: the area list of a national administrator has hundreds of options, rendered
    on every dashboard."""

    area = AreaChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        widget=PlainSelect,
        required=False,
        to_field_name="public_id",
        empty_label=_("All my areas"),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=None,
        widget=PlainSelect,
        required=False,
        to_field_name="slug",
        empty_label=_("All programmes"),
    )
    period = forms.ChoiceField(
        label=_("Period"),
        choices=PERIOD_CHOICES,
        widget=PlainSelect,
        required=False,
        initial=Period.LAST_12_WEEKS,
    )
    starts_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    granularity = forms.ChoiceField(
        label=_("Trend by"),
        choices=[
            ("", _("Automatic")),
            (Granularity.WEEK, _("Week")),
            (Granularity.MONTH, _("Month")),
        ],
        widget=PlainSelect,
        required=False,
    )

    def __init__(self, data=None, *, user: User, today: dt.date):
        super().__init__(data)
        self.user = user
        self.today = today
        self.fields["area"].queryset = area_choices(
            user, selected=data.get("area") if data else None
        )
        self.fields["programme"].queryset = programmes_visible_to(user).order_by("-starts_on")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == Period.CUSTOM:
            starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
            if not starts_on or not ends_on:
                self.add_error("starts_on", _("Enter both dates of the period."))
            elif ends_on < starts_on:
                self.add_error("ends_on", _("The period must end on or after its first day."))
        return cleaned

    def filters(self) -> DashboardFilters:
        cleaned = self.cleaned_data if self.is_bound and self.is_valid() else {}
        period = cleaned.get("period") or Period.LAST_12_WEEKS
        ends_on = self.today
        if period == Period.CUSTOM:
            starts_on, ends_on = cleaned["starts_on"], cleaned["ends_on"]
        elif period == Period.ALL:
            starts_on = earliest_day(self.user) or self.today
        else:
            starts_on = self.today - dt.timedelta(days=PERIOD_DAYS[period] - 1)
        granularity = cleaned.get("granularity") or (
            Granularity.WEEK if (ends_on - starts_on).days <= 190 else Granularity.MONTH
        )
        return DashboardFilters(
            starts_on=starts_on,
            ends_on=ends_on,
            granularity=Granularity(granularity),
            area=cleaned.get("area"),
            programme=cleaned.get("programme"),
        )


def area_choices(user: User, *, selected: str | None = None):
    """The areas a user may narrow her dashboard to: her scope and everything under it, down to
    villages (to districts when that would be a very long list), plus the `selected` area (a
    public id) at any level within her scope, which the table by area links to (a posyandu)."""
    levels = [AreaLevel.PROVINCE, AreaLevel.REGENCY, AreaLevel.DISTRICT, AreaLevel.VILLAGE]
    if sees_everything(user):
        areas = Area.objects.all()
    else:
        areas = Area.objects.filter(within_areas_q(scope_areas_of(user), lookup=""))
    if areas.filter(level__in=levels).count() > MAX_AREA_CHOICES:
        levels = levels[:-1]
    shown = Q(level__in=levels)
    if selected:
        with contextlib.suppress(ValueError):  # not an id: the form reports the bad choice
            shown |= Q(public_id=uuid.UUID(selected))
    return areas.filter(shown).order_by("path")
