"""Background work of the care app (Django's task API; the worker runs it)."""

from django_tasks import task

from kaderasi.care.models import MassageSession, Measurement
from kaderasi.core import clock


@task()
def records_judge_task(measurement_ids: list[int], session_ids: list[int]) -> None:
    """Judge records the sync API stored in bulk (flags, referrals, schedule links)."""
    from kaderasi.care.services import records_judge_stored

    records_judge_stored(
        measurements=list(
            Measurement.objects.filter(pk__in=measurement_ids).select_related("mother__programme")
        ),
        sessions=list(
            MassageSession.objects.filter(pk__in=session_ids).select_related("mother__programme")
        ),
        now=clock.now(),
    )
