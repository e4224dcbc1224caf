from django.contrib import admin

from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.core.policies import Permission, can
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.reports import services
from kaderasi.reports.dashboards import rollup_scope_q
from kaderasi.reports.models import (
    CadreRollup,
    DistrictDayFlows,
    KnowledgeRollup,
    MotherDayRollup,
    MotherRollup,
    PosyanduDayRollup,
    PosyanduMotherCounts,
    ProgrammeReport,
    ReportExport,
    RollupState,
    VillageDayFlows,
)
from kaderasi.reports.selectors import exports_visible_to


def programme_reports_visible_to(user):
    return ProgrammeReport.objects.filter(programme__in=programmes_visible_to(user))


@admin.register(ProgrammeReport)
class ProgrammeReportAdmin(ScopedAdmin):
    visible = programme_reports_visible_to
    manage = Permission.EDIT_PROGRAMME_REPORT
    list_display = ["programme", "updated_by", "updated_at"]
    list_filter = ["programme"]
    search_fields = ["programme__name", "programme__slug"]
    fields = ["programme", "conclusion_id", "conclusion_en"]
    list_select_related = ["programme", "updated_by"]

    def get_readonly_fields(self, request, obj=None):
        return ["programme"] if obj else []

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.programme_report_update(
            programme=data.get("programme") or obj.programme,
            by=request.user,
            conclusions={"id": data["conclusion_id"], "en": data["conclusion_en"]},
        )
        obj.pk = saved.pk


class ReadOnlyAdmin(ScopedAdmin):
    """Derived or machine-written rows: visible for checking, never edited by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReportExport)
class ReportExportAdmin(ReadOnlyAdmin):
    visible = exports_visible_to
    manage = Permission.EXPORT_PROGRAMME_REPORT
    list_display = ["programme", "format", "language", "pseudonymised", "status", "created_at"]
    list_filter = ["format", "status", "pseudonymised"]
    search_fields = ["programme__name", "programme__slug"]
    list_select_related = ["programme"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return can(request.user, Permission.EXPORT_PROGRAMME_REPORT) and self._in_scope(
            request, obj
        )


def _scoped(model):
    def visible(user):
        return model.objects.filter(rollup_scope_q(user))

    return visible


@admin.register(MotherRollup)
class MotherRollupAdmin(ReadOnlyAdmin):
    visible = _scoped(MotherRollup)
    manage = Permission.USE_ADMIN
    list_display = [
        "mother",
        "programme",
        "posyandu",
        "delivered_at",
        "accompanied",
        "sessions_due",
        "sessions_done",
        "refreshed_at",
    ]
    list_filter = ["programme", "accompanied"]
    search_fields = ["mother__code"]
    list_select_related = ["mother", "programme", "posyandu"]


@admin.register(CadreRollup)
class CadreRollupAdmin(ReadOnlyAdmin):
    visible = _scoped(CadreRollup)
    manage = Permission.USE_ADMIN
    list_display = ["cadre", "programme", "posyandu", "trained_on", "certified_until"]
    list_filter = ["programme"]
    search_fields = ["cadre__code"]
    list_select_related = ["cadre", "programme", "posyandu"]


def mother_day_rollups_visible_to(user):
    """A mother's day rows are seen where her own rollup row is (they carry no area path)."""
    return MotherDayRollup.objects.filter(
        mother_id__in=MotherRollup.objects.filter(rollup_scope_q(user)).values("mother_id")
    )


@admin.register(MotherDayRollup)
class MotherDayRollupAdmin(ReadOnlyAdmin):
    visible = mother_day_rollups_visible_to
    manage = Permission.USE_ADMIN
    list_display = ["day", "mother", "programme", "posyandu", "sessions_done", "sessions_missed"]
    list_filter = ["programme"]
    search_fields = ["mother__code"]
    date_hierarchy = "day"
    list_select_related = ["mother", "programme", "posyandu"]


@admin.register(PosyanduDayRollup)
class PosyanduDayRollupAdmin(ReadOnlyAdmin):
    visible = _scoped(PosyanduDayRollup)
    manage = Permission.USE_ADMIN
    list_display = ["day", "programme", "posyandu", "sessions_due", "sessions_done", "deliveries"]
    list_filter = ["programme"]
    search_fields = ["posyandu__name"]
    date_hierarchy = "day"
    list_select_related = ["programme", "posyandu"]


@admin.register(KnowledgeRollup)
class KnowledgeRollupAdmin(ReadOnlyAdmin):
    visible = _scoped(KnowledgeRollup)
    manage = Permission.USE_ADMIN
    list_display = ["training", "posyandu", "pairs", "pre_sum", "post_sum"]
    list_filter = ["training__programme"]
    search_fields = ["training__title"]
    list_select_related = ["training", "posyandu"]


@admin.register(PosyanduMotherCounts)
class PosyanduMotherCountsAdmin(ReadOnlyAdmin):
    """Kept by database triggers on the mother rows (decision 0190): shown to check them."""

    visible = _scoped(PosyanduMotherCounts)
    manage = Permission.USE_ADMIN
    list_display = [
        "posyandu",
        "programme",
        "mothers",
        "pregnant",
        "delivered",
        "with_open_referral",
    ]
    list_filter = ["programme"]
    search_fields = ["posyandu__name"]
    list_select_related = ["programme", "posyandu"]


class DayFlowsAdmin(ReadOnlyAdmin):
    """A day flows summary, kept by database triggers on the posyandu day rows (decisions 0226,
    0300): shown to check them, listed by its lowest area."""

    manage = Permission.USE_ADMIN
    list_filter = ["programme"]


@admin.register(DistrictDayFlows)
class DistrictDayFlowsAdmin(DayFlowsAdmin):
    visible = _scoped(DistrictDayFlows)
    list_display = ["district", "programme", "day", "sessions_due", "sessions_done", "deliveries"]
    search_fields = ["district__name"]
    list_select_related = ["programme", "district"]


@admin.register(VillageDayFlows)
class VillageDayFlowsAdmin(DayFlowsAdmin):
    visible = _scoped(VillageDayFlows)
    list_display = ["village", "programme", "day", "sessions_due", "sessions_done", "deliveries"]
    search_fields = ["village__name"]
    list_select_related = ["programme", "village"]


def rollup_states_visible_to(user):
    return (
        RollupState.objects.all() if can(user, Permission.USE_ADMIN) else RollupState.objects.none()
    )


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyAdmin):
    visible = rollup_states_visible_to
    manage = Permission.USE_ADMIN
    list_display = ["name", "last_run_at", "last_rebuild_at", "refreshed_through"]
    list_filter = ["name"]
    search_fields = ["name"]
