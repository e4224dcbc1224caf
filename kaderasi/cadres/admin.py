from django.contrib import admin

from kaderasi.cadres.models import Cadre
from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.core.policies import Permission


@admin.register(Cadre)
class CadreAdmin(ScopedAdmin):
    visible = cadres_visible_to
    manage = Permission.MANAGE_CADRE
    list_display = ["code", "name", "programme", "posyandu", "phone"]
    list_filter = ["programme", "posyandu__parent"]
    search_fields = ["code", "name", "phone"]
    list_select_related = ["programme", "posyandu"]
    autocomplete_fields = ["posyandu"]
    raw_id_fields = ["user"]
