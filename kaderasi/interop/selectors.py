"""Reads over imports, scoped like the programmes they went into."""

from django.db.models import QuerySet

from kaderasi.accounts.models import User
from kaderasi.interop.models import ProgrammeImport, SatusehatSubmission
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
