"""The interop app's background tasks (django-tasks, run by the worker)."""

from django_tasks import task

from kaderasi.core import clock


@task()
def satusehat_send(programme_id: int | None = None) -> dict:
    """Queue a programme's new FHIR resources (every real programme's when None) and send what
    is due to SATUSEHAT now, instead of at the worker's next minute. Nothing while SATUSEHAT is
    not enabled."""
    from kaderasi.interop.satusehat.dispatch import satusehat_sweep
    from kaderasi.programmes.models import Programme

    programme = Programme.objects.get(pk=programme_id) if programme_id is not None else None
    return satusehat_sweep(now=clock.now(), programme=programme).as_dict()
