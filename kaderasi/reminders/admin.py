from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kaderasi.accounts.models import Role, User
from kaderasi.accounts.selectors import sees_everything
from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.core import clock
from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.core.phones import PHONE
from kaderasi.core.policies import Permission
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.reminders import services
from kaderasi.reminders.models import (
    DangerAlertSettings,
    FamilyMember,
    ProgrammeReminderSettings,
    ProvinceTimeZone,
    RecipientPreference,
    Reminder,
    ReminderRule,
)
from kaderasi.reminders.selectors import family_members_visible_to, reminders_visible_to


def rules_visible_to(user):
    """The defaults, and the rules of the programmes she may see."""
    if sees_everything(user):
        return ReminderRule.objects.all()
    return ReminderRule.objects.filter(
        Q(programme__isnull=True) | Q(programme__in=programmes_visible_to(user))
    )


def programme_settings_visible_to(user):
    return ProgrammeReminderSettings.objects.filter(programme__in=programmes_visible_to(user))


def province_time_zones_visible_to(user):
    return ProvinceTimeZone.objects.all()


def preferences_visible_to(user):
    return RecipientPreference.objects.filter(
        Q(mother__in=mothers_visible_to(user))
        | Q(family_member__mother__in=mothers_visible_to(user))
        | Q(cadre__in=cadres_visible_to(user))
        | Q(user=user)
    )


@admin.register(ReminderRule)
class ReminderRuleAdmin(ScopedAdmin):
    visible = rules_visible_to
    manage = Permission.MANAGE_PROGRAMME
    list_display = [
        "kind",
        "recipient_role",
        "scope",
        "is_active",
        "offset_minutes",
        "send_at",
        "stale_after_minutes",
        "respects_quiet_hours",
    ]
    list_filter = ["kind", "recipient_role", "is_active", "programme"]
    search_fields = ["kind", "message_id", "message_en", "whatsapp_template"]
    list_select_related = ["programme"]
    fieldsets = [
        (None, {"fields": ["programme", "kind", "recipient_role", "is_active"]}),
        (
            _("When"),
            {
                "fields": [
                    "offset_minutes",
                    "send_at",
                    "first_day",
                    "last_day",
                    "every_days",
                    "lead_days",
                    "stale_after_minutes",
                    "respects_quiet_hours",
                ]
            },
        ),
        (
            _("What"),
            {"fields": ["message_id", "message_en", "whatsapp_template", "whatsapp_parameters"]},
        ),
        (_("Why"), {"fields": ["source"]}),
    ]

    @admin.display(description=_("programme"), ordering="programme__slug")
    def scope(self, obj):
        return obj.programme.slug if obj.programme_id else _("default for all programmes")

    def has_change_permission(self, request, obj=None) -> bool:
        # The defaults apply to every programme: only an administrator changes them.
        if obj is not None and obj.programme_id is None and not sees_everything(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.programme_id is None and not sees_everything(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        if not sees_everything(request.user) and "programme" in form_class.base_fields:
            form_class.base_fields["programme"].required = True
        return form_class

    def validate(self, form) -> None:
        data = form.cleaned_data
        services.reminder_rule_validate(
            kind=data.get("kind"),
            recipient_role=data.get("recipient_role"),
            send_at=data.get("send_at"),
            first_day=data.get("first_day"),
            last_day=data.get("last_day"),
            lead_days=data.get("lead_days"),
            message_id=data.get("message_id", ""),
            message_en=data.get("message_en", ""),
            whatsapp_parameters=data.get("whatsapp_parameters", ""),
        )


@admin.register(ProgrammeReminderSettings)
class ProgrammeReminderSettingsAdmin(ScopedAdmin):
    visible = programme_settings_visible_to
    manage = Permission.MANAGE_PROGRAMME
    list_display = ["programme", "family_delivery", "quiet_hours_start", "quiet_hours_end"]
    list_filter = ["family_delivery"]
    search_fields = ["programme__slug", "programme__name"]
    list_select_related = ["programme"]


def danger_alert_settings_visible_to(user):
    """The default, and the settings of the programmes she may see."""
    if sees_everything(user):
        return DangerAlertSettings.objects.all()
    return DangerAlertSettings.objects.filter(
        Q(programme__isnull=True) | Q(programme__in=programmes_visible_to(user))
    )


@admin.register(DangerAlertSettings)
class DangerAlertSettingsAdmin(ScopedAdmin):
    visible = danger_alert_settings_visible_to
    manage = Permission.MANAGE_PROGRAMME
    list_display = [
        "__str__",
        "emergency_acknowledge_minutes",
        "same_day_acknowledge_minutes",
        "escalate_to_coordinators",
        "escalation_contact",
    ]
    search_fields = ["programme__slug", "programme__name", "source"]
    list_filter = ["escalate_to_coordinators", "programme"]
    list_select_related = ["programme", "escalation_contact"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "escalation_contact":
            kwargs["queryset"] = User.objects.filter(
                is_active=True, role__in=[Role.COORDINATOR, Role.MIDWIFE]
            ).order_by("username")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        # The default applies to every programme: only an administrator changes it.
        if obj is not None and obj.programme_id is None and not sees_everything(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.programme_id is None:
            return False  # the default stays; a programme's own row may go
        return super().has_delete_permission(request, obj)


@admin.register(ProvinceTimeZone)
class ProvinceTimeZoneAdmin(ScopedAdmin):
    visible = province_time_zones_visible_to
    manage = Permission.MANAGE_AREAS
    list_display = ["code", "name", "time_zone", "aliases"]
    list_filter = ["time_zone"]
    search_fields = ["code", "name", "aliases"]


@admin.register(FamilyMember)
class FamilyMemberAdmin(ScopedAdmin):
    visible = family_members_visible_to
    manage = Permission.REGISTER_MOTHER
    list_display = ["mother", "relationship", "language", "ended_at"]
    list_filter = ["relationship", "language"]
    search_fields = ["mother__code", "mother__name", "name"]
    hashed_search_fields = {"phone_hash": PHONE}
    list_select_related = ["mother"]
    autocomplete_fields = ["mother"]


@admin.register(RecipientPreference)
class RecipientPreferenceAdmin(ScopedAdmin):
    visible = preferences_visible_to
    manage = Permission.MANAGE_REMINDER_CONTACTS
    list_display = [
        "__str__",
        "mother",
        "family_member",
        "cadre",
        "user",
        "language",
        "opted_out_at",
    ]
    list_filter = ["language", "opt_out_source"]
    search_fields = ["mother__code", "mother__name", "cadre__code", "cadre__name", "user__username"]
    list_select_related = ["mother", "family_member", "cadre", "user"]
    readonly_fields = ["mother", "family_member", "cadre", "user", "opt_out_recorded_by"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Reminder)
class ReminderAdmin(ScopedAdmin):
    """The delivery log: read-only; a failed reminder still useful can be sent again."""

    visible = reminders_visible_to
    manage = Permission.MANAGE_PROGRAMME
    list_display = [
        "public_id",
        "kind",
        "recipient_role",
        "programme",
        "due_at",
        "status",
        "status_reason",
        "channel",
        "attempts",
    ]
    list_filter = ["status", "kind", "recipient_role", "channel", "programme"]
    search_fields = [
        "=public_id",
        "planning_key",
        "mother__code",
        "cadre__code",
        "provider_message_id",
    ]
    date_hierarchy = "due_at"
    list_select_related = ["programme"]
    actions = ["send_again"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_retry_permission(self, request) -> bool:
        return super().has_change_permission(request)

    @admin.action(description=_("Send the selected failed reminders again"), permissions=["retry"])
    def send_again(self, request, queryset):
        count = services.reminder_retry(reminders=queryset, now=clock.now())
        self.message_user(
            request,
            ngettext(
                "%(count)d reminder will be sent again.",
                "%(count)d reminders will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
