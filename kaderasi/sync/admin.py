from django.contrib import admin

from kaderasi.core.admin_site import ReadOnlyAdmin
from kaderasi.core.policies import Permission
from kaderasi.sync.models import Conflict, RegistryEdit
from kaderasi.sync.selectors import conflicts_visible_to, registry_edits_visible_to


@admin.register(Conflict)
class ConflictAdmin(ReadOnlyAdmin):
    """Read-only: the midwife resolves conflicts on the conflicts page, where the value is
    checked like any edit."""

    visible = conflicts_visible_to
    manage = Permission.REGISTER_MOTHER
    list_display = ["mother", "record", "field", "status", "resolution", "submitted_at"]
    list_filter = ["status", "record", "field"]
    search_fields = ["mother__code", "mother__name"]
    list_select_related = ["mother"]


@admin.register(RegistryEdit)
class RegistryEditAdmin(ReadOnlyAdmin):
    """Read-only: what each pushed edit of a mother's registry changed and what it left for the
    midwife (the conflicts)."""

    visible = registry_edits_visible_to
    manage = Permission.REGISTER_MOTHER
    list_display = ["mother", "record", "submitted_by", "received_at"]
    list_filter = ["record", "mother__programme"]
    search_fields = ["mother__code", "mother__name"]
    list_select_related = ["mother", "submitted_by"]
