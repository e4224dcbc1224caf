from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.core.policies import Permission
from kaderasi.programmes.models import Programme
from kaderasi.programmes.selectors import programmes_visible_to


@admin.register(Programme)
class ProgrammeAdmin(ScopedAdmin):
    visible = programmes_visible_to
    scopes_choices = True
    manage = Permission.MANAGE_PROGRAMME
    list_display = ["name", "slug", "area", "starts_on", "ends_on", "design"]
    list_filter = ["design", "starts_on"]
    search_fields = ["name", "slug", "area__name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["team"]
    autocomplete_fields = ["area"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "area", "starts_on", "ends_on", "description", "team"]}),
        (
            _("Protocol"),
            {
                "fields": [
                    "sessions_per_day",
                    ("session_minutes_min", "session_minutes_max"),
                    "protocol_days",
                    "start_postpartum_day",
                    "max_active_clients_per_cadre",
                    "antenatal_start_week",
                ]
            },
        ),
        (
            _("First massage and handover"),
            {
                "fields": [
                    "first_massage_min_hours",
                    "first_massage_after_postnatal_check",
                    "first_massage_timing_source",
                    "postnatal_visits",
                    "postnatal_visits_source",
                ]
            },
        ),
        (_("Evaluation"), {"fields": ["design", "is_illustrative", "data_note"]}),
    ]
