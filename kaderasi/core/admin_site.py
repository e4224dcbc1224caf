"""The admin site: entered by role (policies), not by Django's is_staff flag, and every model
admin scoped by the same selectors as the web pages."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from kaderasi.core.errors import DomainError
from kaderasi.core.field_crypto import lookup_hashes
from kaderasi.core.number_fields import typed_number_formfield
from kaderasi.core.phones import PHONE, normalize_phone
from kaderasi.core.policies import Permission, can


class KaderasiAdminSite(admin.AdminSite):
    site_header = _("kaderasi administration")
    site_title = _("kaderasi")
    index_title = _("Data and settings")

    def has_permission(self, request) -> bool:
        return can(request.user, Permission.USE_ADMIN)

    def login(self, request, extra_context=None):
        if request.user.is_authenticated and not self.has_permission(request):
            messages.error(request, _("Your role does not use the administration pages."))
            return redirect("home")
        return redirect_to_login(
            request.GET.get("next", request.get_full_path()), settings.LOGIN_URL
        )


class ScopedRelatedFilter(admin.RelatedOnlyFieldListFilter):
    """A filter on a related row (a programme, a village, a cadre) offering only the related rows
    of the rows the viewer sees, and of those only the ones the related model's admin lets her
    see when it scopes choices: no name from outside her scope appears in a filter (issue 14)."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        related = (
            model_admin.get_queryset(request)
            .distinct()
            .values_list(f"{self.field_path}__pk", flat=True)
        )
        allowed = {"pk__in": related}
        scope = model_admin._choice_scope(field.related_model)
        if scope is not None:
            allowed = {"pk__in": scope(request.user).filter(pk__in=related).values("pk")}
        return field.get_choices(include_blank=False, limit_choices_to=allowed, ordering=ordering)


class ScopedAdmin(admin.ModelAdmin):
    """A model admin whose rows, foreign-key choices and permissions come from kaderasi's
    selectors and policies.

    Subclasses set `visible` (user → queryset), `manage` (the Permission to add/change/delete),
    and may override `validate(form)` to run a service's domain checks, raising DomainError.
    An admin that sets `scopes_choices` lends its `visible` to every other admin: a foreign key
    to its model offers only the rows the user may see (so core names no domain app). A field
    may name another scope in `related_scopes` ({field name: user → queryset}).
    """

    visible: ClassVar[Callable[[Any], QuerySet[Any]]]  # every subclass sets it
    manage: Permission = Permission.MANAGE_PROGRAMME
    scopes_choices: bool = False
    related_scopes: dict = {}

    # Encrypted identifiers (core.field_crypto), found by their exact value through the keyed
    # hash: {hash field: kind}, e.g. {"nik_hash": "nik", "phone_hash": "phone"}. A phone number is
    # searched in any form a person types it (0812…, +62 812-…).
    hashed_search_fields: ClassVar[dict[str, str]] = {}

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        matches = Q(pk__in=[])
        for hash_field, kind in self.hashed_search_fields.items():
            value = _identifier_typed(kind, search_term)
            if value:
                matches |= Q(**{f"{hash_field}__in": lookup_hashes(kind, value)})
        if self.hashed_search_fields and search_term.strip():
            found = found | queryset.filter(matches)
        return found, may_have_duplicates

    def get_queryset(self, request):
        queryset = type(self).visible(request.user)
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def has_module_permission(self, request) -> bool:
        return can(request.user, Permission.USE_ADMIN)

    def has_view_permission(self, request, obj=None) -> bool:
        return can(request.user, Permission.USE_ADMIN) and self._in_scope(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return can(request.user, self.manage)

    def has_change_permission(self, request, obj=None) -> bool:
        return can(request.user, self.manage) and self._in_scope(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return can(request.user, self.manage) and self._in_scope(request, obj)

    def _in_scope(self, request, obj) -> bool:
        if obj is None:
            return True
        return type(self).visible(request.user).filter(pk=obj.pk).exists()

    def get_list_filter(self, request):
        """Every filter on a relation (`"programme"`, `"mother__posyandu__parent"`) offers only
        the related rows in the viewer's scope (ScopedRelatedFilter)."""
        return [self._scoped_filter(entry) for entry in super().get_list_filter(request)]

    def _scoped_filter(self, entry):
        if not isinstance(entry, str):
            return entry
        try:
            path = get_fields_from_path(self.model, entry)
        except (FieldDoesNotExist, NotRelationField):
            return entry
        return (entry, ScopedRelatedFilter) if path[-1].is_relation else entry

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scope = self.related_scopes.get(db_field.name) or self._choice_scope(db_field.related_model)
        if scope is not None:
            queryset = scope(request.user)
            limit = db_field.get_limit_choices_to()
            kwargs["queryset"] = queryset.filter(**limit) if limit else queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A number is typed the Indonesian way (12,5) in a text input: the browser's number
        # input reads that comma as a thousands separator and sends 125.
        return typed_number_formfield(db_field) or super().formfield_for_dbfield(
            db_field, request, **kwargs
        )

    def _choice_scope(self, model):
        """The `visible` of the admin of `model`, when that admin scopes the choices of others."""
        model_admin = self.admin_site._registry.get(model)
        if isinstance(model_admin, ScopedAdmin) and model_admin.scopes_choices:
            return type(model_admin).visible
        return None

    # A constraint over several fields (programme, code) is reported by Django for the whole
    # form; name here the field its message belongs on: {constraint name: field}.
    constraint_fields: dict[str, str] = {}

    def validate(self, form) -> None:
        """Domain checks beyond the model's constraints; raise DomainError."""

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        model_admin = self

        class DomainCheckedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if not self.errors:
                    try:
                        model_admin.validate(self)
                    except DomainError as error:
                        if error.field and error.field in self.fields:
                            self.add_error(
                                error.field, ValidationError(str(error.message), code=error.code)
                            )
                        else:
                            raise ValidationError(str(error.message), code=error.code) from error
                return cleaned

            def validate_unique(self):
                super().validate_unique()
                _put_constraint_errors_on_their_field(self, model_admin.constraint_fields)

        return DomainCheckedForm


class ReadOnlyAdmin(ScopedAdmin):
    """Rows written only by services (events, derived rows, logs): readable here, never edited."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _put_constraint_errors_on_their_field(form, constraint_fields: dict[str, str]) -> None:
    """Move the form-wide errors of the constraints in `constraint_fields` onto their field."""
    errors = form._errors.get(NON_FIELD_ERRORS)
    if not errors or not constraint_fields:
        return
    moved = {
        str(constraint.violation_error_message): constraint_fields[constraint.name]
        for constraint in form._meta.model._meta.constraints
        if constraint.name in constraint_fields
    }
    kept = [error for error in errors.as_data() if error.message not in moved]
    if len(kept) == len(errors):
        return
    if kept:
        form._errors[NON_FIELD_ERRORS] = form.error_class(kept, error_class="nonfield")
    else:
        del form._errors[NON_FIELD_ERRORS]
    for error in errors.as_data():
        if error.message in moved:
            form.add_error(moved[error.message], error)


def _identifier_typed(kind: str, term: str) -> str:
    """The stored form of a searched identifier: a phone number in E.164, anything else stripped."""
    term = term.strip()
    if kind != PHONE:
        return term
    try:
        return normalize_phone(term)
    except ValidationError:
        return ""
