from django.contrib import admin

from kaderasi.core.admin_site import ReadOnlyAdmin
from kaderasi.core.policies import Permission
from kaderasi.interop.models import ProgrammeImport
from kaderasi.interop.selectors import imports_visible_to


@admin.register(ProgrammeImport)
class ProgrammeImportAdmin(ReadOnlyAdmin):
    """The history of imports: read only (an import is made through the import page)."""

    visible = imports_visible_to
    manage = Permission.IMPORT_PROGRAMME
    list_display = [
        "imported_at",
        "programme",
        "file_name",
        "imported_by",
        "source",
        "cadres",
        "knowledge_tests",
        "mothers",
        "milk_volumes",
    ]
    list_filter = ["source", "programme"]
    search_fields = ["file_name", "programme__slug", "content_sha256"]
    date_hierarchy = "imported_at"
