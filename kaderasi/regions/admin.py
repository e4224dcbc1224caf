from django.contrib import admin

from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.core.policies import Permission
from kaderasi.regions.models import Area
from kaderasi.regions.official import official_code
from kaderasi.regions.selectors import areas_visible_to
from kaderasi.regions.services import area_save, area_validate


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    visible = areas_visible_to
    scopes_choices = True
    manage = Permission.MANAGE_AREAS
    list_display = ["name", "level", "code", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]

    def get_search_results(self, request, queryset, search_term):
        # A Kemendagri code typed without its dots (3310032014) finds 33.10.03.2014, in the
        # list and in every autocomplete that picks an area.
        return super().get_search_results(
            request, queryset, official_code(search_term) or search_term
        )

    def validate(self, form) -> None:
        data = form.cleaned_data
        area_validate(
            name=data["name"],
            level=data["level"],
            parent=data.get("parent"),
            code=data.get("code", ""),
            instance=form.instance,
        )

    def save_model(self, request, obj, form, change):
        area_save(area=obj)
