from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kaderasi.core import clock
from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.core.policies import Permission
from kaderasi.programmes.models import ClinicalRulesApproval, Programme
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.programmes.services import (
    clinical_rules_approval_check,
    clinical_rules_approve,
)


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
        (
            _("Measurement days"),
            {
                "fields": [
                    ("baseline_day_from", "baseline_day_to"),
                    ("follow_up_day_from", "follow_up_day_to"),
                    "follow_up_after_baseline",
                    "protocol_days_source",
                ]
            },
        ),
        (
            _("Evaluation"),
            {
                "fields": [
                    "design",
                    "analyse_protocol_conformant_only",
                    "is_illustrative",
                    "data_note",
                ]
            },
        ),
    ]


def clinical_rules_approvals_visible_to(user):
    return ClinicalRulesApproval.objects.filter(
        programme__in=programmes_visible_to(user)
    ).select_related("programme", "approved_by")


@admin.register(ClinicalRulesApproval)
class ClinicalRulesApprovalAdmin(ScopedAdmin):
    """A coordinator records which midwife approved a programme's clinical rules, and when. An
    approval is a record: it is not edited afterwards (a new review is a new approval)."""

    visible = clinical_rules_approvals_visible_to
    manage = Permission.MANAGE_PROGRAMME
    list_display = ["programme", "approved_by", "approved_on", "recorded_by"]
    list_filter = ["approved_on"]
    search_fields = ["programme__name", "programme__slug", "approved_by__username", "note"]
    fields = ["programme", "approved_by", "approved_on", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def validate(self, form) -> None:
        clinical_rules_approval_check(
            midwife=form.cleaned_data["approved_by"],
            approved_on=form.cleaned_data["approved_on"],
            now=clock.now(),
        )

    def save_model(self, request, obj, form, change):
        saved = clinical_rules_approve(
            programme=obj.programme,
            midwife=obj.approved_by,
            approved_on=obj.approved_on,
            note=obj.note,
            by=request.user,
            now=clock.now(),
        )
        obj.pk = saved.pk
        obj.recorded_by = saved.recorded_by
