from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from kaderasi.accounts.models import User
from kaderasi.accounts.selectors import users_visible_to
from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.core.policies import Permission


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    visible = users_visible_to
    manage = Permission.MANAGE_USERS
    list_display = ["username", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "areas__level"]
    search_fields = ["username", "first_name", "last_name", "email"]
    filter_horizontal = ["areas"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (
            _("Person"),
            {"fields": ["first_name", "last_name", "email", "phone", "preferred_language"]},
        ),
        (_("Role and scope"), {"fields": ["role", "areas", "is_active"]}),
        (_("Technical"), {"fields": ["is_staff", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "password1", "password2", "role", "areas"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
