from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kaderasi.api.models import DeviceToken
from kaderasi.api.tokens import device_token_revoke, device_tokens_visible_to
from kaderasi.core import clock
from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.core.policies import Permission


@admin.register(DeviceToken)
class DeviceTokenAdmin(ScopedAdmin):
    """Tokens are issued by the API only (the secret is shown once, to the phone); here an
    administrator sees and revokes them."""

    visible = device_tokens_visible_to
    manage = Permission.MANAGE_USERS
    list_display = ["device_name", "user", "hint", "created_at", "last_used_at", "expires_at"]
    list_filter = ["revoked_at", "user__role"]
    search_fields = ["device_name", "user__username", "hint"]
    list_select_related = ["user"]
    readonly_fields = [
        "user",
        "device_name",
        "hint",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    ]
    exclude = ["secret_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        now = clock.now()
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            device_token_revoke(token=token, by=request.user, now=now)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )
