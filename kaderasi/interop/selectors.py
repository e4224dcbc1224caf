"""Reads over imports, scoped like the programmes they went into."""

from django.db.models import Q, QuerySet

from kaderasi.accounts.models import User
from kaderasi.accounts.selectors import sees_everything
from kaderasi.core.policies import Permission, can
from kaderasi.interop.models import ImportJob, ProgrammeImport, SatusehatSubmission
from kaderasi.programmes.selectors import programmes_visible_to


def imports_visible_to(user: User) -> QuerySet[ProgrammeImport]:
    return ProgrammeImport.objects.filter(programme__in=programmes_visible_to(user)).select_related(
        "programme", "imported_by"
    )


def satusehat_submissions_visible_to(user: User) -> QuerySet[SatusehatSubmission]:
    """The SATUSEHAT outbox rows of the programmes `user` may see."""
    return SatusehatSubmission.objects.filter(
        programme__in=programmes_visible_to(user)
    ).select_related("programme")


def import_jobs_visible_to(user: User) -> QuerySet[ImportJob]:
    """A background import is seen like the import itself: by its uploader, and by whoever may
    import into its programme (its coordinators; every programme for an administrator). A job
    for a programme not yet created is its uploader's alone."""
    if not user.is_authenticated or not can(user, Permission.IMPORT_PROGRAMME):
        return ImportJob.objects.none()
    rows = ImportJob.objects.select_related("programme", "requested_by")
    if sees_everything(user):
        return rows
    return rows.filter(Q(requested_by=user) | Q(programme__in=programmes_visible_to(user)))
