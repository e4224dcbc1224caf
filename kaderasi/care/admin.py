from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaderasi.care import services
from kaderasi.care.flag_rules import parameters_problem
from kaderasi.care.models import (
    Consent,
    ConsentText,
    DangerSign,
    DangerSignReport,
    Delivery,
    Flag,
    FlagRule,
    Infant,
    LatchObservation,
    MassageSession,
    MassageStep,
    Measurement,
    Mother,
    Pairing,
    Pregnancy,
    Referral,
    ScheduledSession,
)
from kaderasi.care.models.mothers import NIK
from kaderasi.care.selectors import (
    consents_visible_to,
    danger_sign_reports_visible_to,
    flags_visible_to,
    latch_observations_visible_to,
    massage_sessions_visible_to,
    mothers_visible_to,
    referrals_visible_to,
    scheduled_sessions_visible_to,
)
from kaderasi.core import clock
from kaderasi.core.admin_site import ReadOnlyAdmin, ScopedAdmin
from kaderasi.core.phones import PHONE
from kaderasi.core.policies import Permission


def pregnancies_visible_to(user):
    return Pregnancy.objects.filter(mother__in=mothers_visible_to(user))


def deliveries_visible_to(user):
    return Delivery.objects.filter(pregnancy__mother__in=mothers_visible_to(user))


def infants_visible_to(user):
    return Infant.objects.filter(delivery__pregnancy__mother__in=mothers_visible_to(user))


def pairings_visible_to(user):
    return Pairing.objects.filter(mother__in=mothers_visible_to(user))


def measurements_visible_to(user):
    return Measurement.objects.filter(mother__in=mothers_visible_to(user))


class PregnancyInline(admin.TabularInline):
    model = Pregnancy
    extra = 0
    fields = ["last_menstrual_period", "estimated_delivery_date"]


@admin.register(Mother)
class MotherAdmin(ScopedAdmin):
    visible = mothers_visible_to
    scopes_choices = True
    manage = Permission.REGISTER_MOTHER
    list_display = ["code", "name", "programme", "posyandu", "group", "masked_nik"]
    list_filter = ["programme", "group", "posyandu__parent"]
    search_fields = ["code", "name"]
    hashed_search_fields = {"nik_hash": NIK, "phone_hash": PHONE}
    list_select_related = ["programme", "posyandu"]
    autocomplete_fields = ["posyandu"]
    inlines = [PregnancyInline]
    constraint_fields = {"mother_code_unique_in_programme": "code"}

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj):
        return obj.masked_nik


@admin.register(Pregnancy)
class PregnancyAdmin(ScopedAdmin):
    visible = pregnancies_visible_to
    manage = Permission.REGISTER_MOTHER
    list_display = ["mother", "last_menstrual_period", "estimated_delivery_date"]
    list_filter = ["mother__programme", "mother__posyandu__parent"]
    search_fields = ["mother__code", "mother__name"]
    autocomplete_fields = ["mother"]


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdmin):
    visible = deliveries_visible_to
    manage = Permission.REGISTER_MOTHER
    list_display = ["pregnancy", "delivered_at", "delivery_type", "parity", "place"]
    list_filter = ["delivery_type", "place", "early_initiation"]
    search_fields = ["pregnancy__mother__code", "pregnancy__mother__name"]
    date_hierarchy = "delivered_at"
    related_scopes = {"pregnancy": pregnancies_visible_to}

    def validate(self, form) -> None:
        services.delivery_validate(
            pregnancy=form.cleaned_data["pregnancy"],
            delivered_at=form.cleaned_data["delivered_at"],
            now=clock.now(),
        )

    def save_model(self, request, obj, form, change):
        # Through the service, so the mother's schedule follows the (corrected) delivery time.
        data = form.cleaned_data
        saved = services.delivery_record(
            pregnancy=data["pregnancy"],
            delivered_at=data["delivered_at"],
            delivery_type=data.get("delivery_type", ""),
            parity=data.get("parity"),
            place=data.get("place", ""),
            early_initiation=data.get("early_initiation"),
            now=clock.now(),
        )
        obj.pk = saved.pk


@admin.register(Infant)
class InfantAdmin(ScopedAdmin):
    visible = infants_visible_to
    manage = Permission.REGISTER_MOTHER
    list_display = ["delivery", "sex", "birth_weight_g"]
    list_filter = ["sex", "delivery__pregnancy__mother__programme"]
    search_fields = ["delivery__pregnancy__mother__code", "delivery__pregnancy__mother__name"]
    related_scopes = {"delivery": deliveries_visible_to}


@admin.register(Pairing)
class PairingAdmin(ScopedAdmin):
    visible = pairings_visible_to
    manage = Permission.REGISTER_MOTHER
    list_display = ["mother", "cadre", "starts_at", "ends_at", "end_reason"]
    list_filter = ["end_reason", "mother__programme"]
    search_fields = ["mother__code", "mother__name", "cadre__code", "cadre__name"]
    autocomplete_fields = ["mother", "cadre"]


@admin.register(Measurement)
class MeasurementAdmin(ScopedAdmin):
    """Measurements are append-only: they can be added and read here, never edited."""

    visible = measurements_visible_to
    manage = Permission.RECORD_MEASUREMENT
    list_display = ["mother", "kind", "measured_at", "value", "phase", "basis", "method"]
    list_filter = ["kind", "phase", "basis", "method", "mother__programme"]
    search_fields = ["mother__code", "mother__name"]
    date_hierarchy = "measured_at"
    autocomplete_fields = ["mother"]
    exclude = ["district", "recorded_by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def validate(self, form) -> None:
        data = form.cleaned_data
        services.care_record_check(
            record=services.MeasurementRecord(
                **{key: value for key, value in data.items() if value is not None}
            ),
            now=clock.now(),
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.measurement_record(
            now=clock.now(),
            by=request.user,
            **{key: value for key, value in data.items() if value is not None},
        )
        obj.pk = saved.pk


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    """Consent is given and withdrawn on the mother's page, so both are recorded with their
    author and the schedule follows."""

    visible = consents_visible_to
    list_display = ["mother", "subject", "text_version", "given_by", "given_at", "withdrawn_at"]
    list_filter = ["subject", "text_version", "mother__programme"]
    search_fields = ["mother__code", "mother__name"]
    list_select_related = ["mother"]


@admin.register(ConsentText)
class ConsentTextAdmin(ScopedAdmin):
    """A new wording is a new version: an existing version is never rewritten."""

    visible = staticmethod(lambda user: ConsentText.objects.all())
    manage = Permission.MANAGE_PROGRAMME
    list_display = ["subject", "version", "effective_from"]
    list_filter = ["subject"]
    search_fields = ["version", "text_id", "text_en"]

    def get_readonly_fields(self, request, obj=None):
        return ["subject", "version", "text_id", "text_en"] if obj else []


@admin.register(ScheduledSession)
class ScheduledSessionAdmin(ReadOnlyAdmin):
    """Derived from the delivery and the protocol; re-derived, never edited by hand."""

    visible = scheduled_sessions_visible_to
    list_display = [
        "mother",
        "postpartum_day",
        "slot",
        "window_starts_at",
        "window_ends_at",
        "cancelled_at",
    ]
    list_filter = ["mother__programme", ("cancelled_at", admin.EmptyFieldListFilter)]
    search_fields = ["mother__code", "mother__name"]
    date_hierarchy = "window_starts_at"
    list_select_related = ["mother"]


@admin.register(MassageSession)
class MassageSessionAdmin(ReadOnlyAdmin):
    """Append-only: sessions come from the guided session or the sync API."""

    visible = massage_sessions_visible_to
    list_display = ["mother", "started_at", "ended_at", "performed_by", "cadre", "comfort"]
    list_filter = ["performed_by", "mother__programme"]
    search_fields = ["mother__code", "mother__name", "cadre__code"]
    date_hierarchy = "started_at"
    list_select_related = ["mother", "cadre"]


@admin.register(DangerSignReport)
class DangerSignReportAdmin(ReadOnlyAdmin):
    visible = danger_sign_reports_visible_to
    list_display = ["mother", "observed_at", "context", "signs"]
    list_filter = ["context", "mother__programme"]
    search_fields = ["mother__code", "mother__name"]
    date_hierarchy = "observed_at"
    list_select_related = ["mother"]


@admin.register(LatchObservation)
class LatchObservationAdmin(ReadOnlyAdmin):
    """Append-only: breastfeeding observations come from the cadre's form or the sync API."""

    visible = latch_observations_visible_to
    list_display = ["mother", "observed_at", "total", "recorded_by"]
    list_filter = ["mother__programme"]
    search_fields = ["mother__code", "mother__name"]
    date_hierarchy = "observed_at"
    list_select_related = ["mother", "recorded_by"]


@admin.register(FlagRule)
class FlagRuleAdmin(ScopedAdmin):
    """A clinician changes a threshold here, without a deploy. The code selects the evaluation in
    care/flag_rules.py and cannot change; parameters are checked before they are saved."""

    visible = staticmethod(lambda user: FlagRule.objects.all())
    manage = Permission.MANAGE_PROGRAMME
    list_display = ["code", "severity", "title_en", "parameters", "is_active"]
    list_filter = ["severity", "is_active"]
    search_fields = ["code", "title_en", "title_id"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # flags point at their rule; switch a rule off instead

    def validate(self, form) -> None:
        code = form.cleaned_data.get("code") or (form.instance.code if form.instance.pk else "")
        problem = parameters_problem(code, form.cleaned_data.get("parameters"))
        if problem:
            raise ValidationError({"parameters": problem})


@admin.register(DangerSign)
class DangerSignAdmin(ScopedAdmin):
    visible = staticmethod(lambda user: DangerSign.objects.all())
    manage = Permission.MANAGE_PROGRAMME
    list_display = ["code", "group", "severity", "stops_massage", "text_en", "order", "is_active"]
    list_filter = ["group", "severity", "stops_massage", "is_active"]
    search_fields = ["code", "text_en", "text_id"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # checks record the codes; switch a sign off instead


@admin.register(MassageStep)
class MassageStepAdmin(ScopedAdmin):
    visible = staticmethod(lambda user: MassageStep.objects.all())
    manage = Permission.MANAGE_PROGRAMME
    list_display = ["number", "title_en", "illustration", "timed", "is_active"]
    list_filter = ["timed", "is_active"]
    search_fields = ["title_id", "title_en", "instruction_id", "instruction_en"]

    def get_readonly_fields(self, request, obj=None):
        return ["number"] if obj else []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # sessions record step numbers; switch a step off instead


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    visible = flags_visible_to
    list_display = ["mother", "rule", "severity", "raised_at"]
    list_filter = ["severity", "rule", "mother__programme"]
    search_fields = ["mother__code", "mother__name"]
    date_hierarchy = "raised_at"
    list_select_related = ["mother", "rule"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    """Referrals are acknowledged and closed on their page, by the midwife."""

    visible = referrals_visible_to
    list_display = [
        "mother",
        "flag",
        "status",
        "opened_at",
        "acknowledged_at",
        "closed_at",
        "outcome",
    ]
    list_filter = ["status", "outcome", "mother__programme"]
    search_fields = ["mother__code", "mother__name"]
    date_hierarchy = "opened_at"
    list_select_related = ["mother", "flag__rule"]
