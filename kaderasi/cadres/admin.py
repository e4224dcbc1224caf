from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaderasi.cadres.models import Cadre
from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.core.phones import PHONE
from kaderasi.core.policies import Permission


@admin.register(Cadre)
class CadreAdmin(ScopedAdmin):
    visible = cadres_visible_to
    scopes_choices = True
    manage = Permission.MANAGE_CADRE
    list_display = ["code", "name", "programme", "posyandu", "phone"]
    list_filter = ["programme", "posyandu__parent"]
    search_fields = ["code", "name"]
    hashed_search_fields = {"phone_hash": PHONE}
    list_select_related = ["programme", "posyandu"]
    autocomplete_fields = ["posyandu"]
    raw_id_fields = ["user", "same_person_as"]
    constraint_fields = {"cadre_code_unique_in_programme": "code"}

    def validate(self, form) -> None:
        data = form.cleaned_data
        same_person_as = data.get("same_person_as")
        if same_person_as is None:
            return
        if same_person_as.user_id is None:
            raise ValidationError(
                {"same_person_as": _("That cadre row holds no login; link to the one that does.")}
            )
        if same_person_as.programme_id == getattr(data.get("programme"), "pk", None):
            raise ValidationError(
                {"same_person_as": _("Link to her row in another programme, not in this one.")}
            )
