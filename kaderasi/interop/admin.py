from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kaderasi.core import clock
from kaderasi.core.admin_site import ReadOnlyAdmin
from kaderasi.core.policies import Permission, can
from kaderasi.interop.models import ImportJob, ProgrammeImport, SatusehatSubmission
from kaderasi.interop.satusehat.dispatch import satusehat_requeue
from kaderasi.interop.selectors import (
    import_jobs_visible_to,
    imports_visible_to,
    satusehat_submissions_visible_to,
)


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


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """The web page's background imports (decision 0160): how each ended and, for a failed one,
    the error. The problems listed to the uploader quote cells of the file and are not shown."""

    visible = import_jobs_visible_to
    manage = Permission.IMPORT_PROGRAMME
    list_display = [
        "created_at",
        "slug",
        "requested_by",
        "status",
        "rows_total",
        "interruptions",
        "finished_at",
        "upload_deleted_at",
    ]
    list_filter = ["status", "programme"]
    search_fields = ["slug", "public_id"]
    date_hierarchy = "created_at"
    fields = [
        "requested_by",
        "programme",
        "slug",
        "file_names",
        "status",
        "step",
        "rows_total",
        "rows_checked",
        "rows_written",
        "record",
        "error",
        "started_at",
        "heartbeat_at",
        "interruptions",
        "finished_at",
        "upload_deleted_at",
    ]


@admin.register(SatusehatSubmission)
class SatusehatSubmissionAdmin(ReadOnlyAdmin):
    """The SATUSEHAT outbox of the programmes the user may see: what is waiting, sent or failed
    (filter by status). The resource itself holds personal data and is not shown."""

    visible = satusehat_submissions_visible_to
    manage = Permission.MANAGE_PROGRAMME
    list_display = [
        "programme",
        "resource_type",
        "status",
        "attempts",
        "queued_at",
        "next_attempt_at",
        "sent_at",
        "server_id",
        "last_error",
    ]
    list_filter = ["status", "resource_type", "programme"]
    search_fields = ["resource_id", "server_id"]
    fields = [
        "programme",
        "resource_type",
        "resource_id",
        "status",
        "attempts",
        "queued_at",
        "next_attempt_at",
        "sent_at",
        "server_id",
        "last_error",
    ]
    actions = ["requeue"]

    def has_requeue_permission(self, request) -> bool:
        return can(request.user, self.manage)

    @admin.action(description=_("Queue the failed ones again"), permissions=["requeue"])
    def requeue(self, request, queryset):
        count = satusehat_requeue(rows=queryset, now=clock.now())
        self.message_user(
            request,
            ngettext("%(count)s resource queued again.", "%(count)s resources queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
