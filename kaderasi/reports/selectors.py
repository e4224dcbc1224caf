"""Reads for the report pages: who may see a programme's report and exports, and the report
itself."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import translation

from kaderasi.accounts.models import User
from kaderasi.accounts.selectors import sees_everything
from kaderasi.cadres.models import Cadre
from kaderasi.cadres.selectors import cadres_visible_to
from kaderasi.care.models import Mother
from kaderasi.care.selectors import mothers_visible_to
from kaderasi.core.policies import Permission, can
from kaderasi.programmes.models import Programme
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.reports.documents import programme_report_document
from kaderasi.reports.evaluation_input import programme_evaluation
from kaderasi.reports.models import ReportExport
from kaderasi.reports.programme_data import programme_data
from kaderasi.reports.programme_report import ProgrammeReportDocument
from kaderasi.reports.references import reference_ranges
from kaderasi.reports.skills import programme_skill_steps


def programme_report_allowed(user: User, programme: Programme) -> bool:
    """The report counts every mother and cadre of the programme, so only someone who may see
    all of them may read it (numbers never include rows the viewer may not see)."""
    if not can(user, Permission.VIEW_PROGRAMME_REPORT):
        return False
    if sees_everything(user):
        return True
    if not programmes_visible_to(user).filter(pk=programme.pk).exists():
        return False
    hidden_mothers = Mother.objects.filter(programme=programme).exclude(
        pk__in=mothers_visible_to(user).values("pk")
    )
    hidden_cadres = Cadre.objects.filter(programme=programme).exclude(
        pk__in=cadres_visible_to(user).values("pk")
    )
    return not hidden_mothers.exists() and not hidden_cadres.exists()


def report_programmes_for(user: User) -> QuerySet[Programme]:
    """Programmes whose report the user may open (her visible ones; each is checked whole)."""
    return programmes_visible_to(user).select_related("area")


def programme_report_for(
    programme: Programme, *, language: str, now: dt.datetime, pseudonymised: bool = True
) -> ProgrammeReportDocument:
    """The report as the web page shows it, in `language`."""
    data = programme_data(programme)
    references = reference_ranges()
    with translation.override(language):
        evaluation = programme_evaluation(programme)
    return programme_report_document(
        programme=programme,
        evaluation=evaluation,
        now=now,
        language=language,
        pseudonymised=pseudonymised,
        skills=programme_skill_steps(programme, language=language),
        references=references,
        data=data,
    )


def exports_visible_to(user: User) -> QuerySet[ReportExport]:
    """An export holds a programme's data: only the person who asked for it (and an admin) may
    see it, and only while she may still see the programme."""
    if not user.is_authenticated:
        return ReportExport.objects.none()
    rows = ReportExport.objects.select_related("programme", "requested_by")
    if sees_everything(user):
        return rows
    return rows.filter(requested_by=user, programme__in=programmes_visible_to(user))
