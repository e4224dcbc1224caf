"""The reminders' background tasks, written against Django's task API (django-tasks) and run by
the worker (kaderasi/worker/)."""

from django_tasks import task

from kaderasi.core import clock


@task()
def reminders_sweep() -> dict:
    """One planning-and-dispatch sweep now, e.g. right after a change a user wants sent soon."""
    from kaderasi.reminders.services import reminder_sweep

    return reminder_sweep(now=clock.now()).as_dict()


@task()
def danger_alerts_send() -> dict:
    """Alert the midwives to a red danger sign now instead of at the next minute's sweep: the
    write path enqueues this on commit after a danger-sign check. The sweep plans the alert from
    the stored flag and sends it claimed, so running it twice, or with the worker's own sweep,
    sends nothing twice."""
    from kaderasi.reminders.services import reminder_sweep

    return reminder_sweep(now=clock.now()).as_dict()
