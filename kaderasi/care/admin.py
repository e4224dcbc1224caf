from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kaderasi.care import services
from kaderasi.care.models import Delivery, Infant, Measurement, Mother, Pairing, Pregnancy
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.core import clock
from kaderasi.core.admin_site import ScopedAdmin
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
    manage = Permission.REGISTER_MOTHER
    list_display = ["code", "name", "programme", "posyandu", "group", "masked_nik"]
    list_filter = ["programme", "group", "posyandu__parent"]
    search_fields = ["code", "name", "phone", "=nik"]
    list_select_related = ["programme", "posyandu"]
    autocomplete_fields = ["posyandu"]
    inlines = [PregnancyInline]

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj):
        return obj.masked_nik


@admin.register(Pregnancy)
class PregnancyAdmin(ScopedAdmin):
    visible = pregnancies_visible_to
    manage = Permission.REGISTER_MOTHER
    list_display = ["mother", "last_menstrual_period", "estimated_delivery_date"]
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


@admin.register(Infant)
class InfantAdmin(ScopedAdmin):
    visible = infants_visible_to
    manage = Permission.REGISTER_MOTHER
    list_display = ["delivery", "sex", "birth_weight_g"]
    list_filter = ["sex"]
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
        services.measurement_validate(
            mother=data["mother"],
            kind=data["kind"],
            measured_at=data["measured_at"],
            value=data["value"],
            method=data.get("method", ""),
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
