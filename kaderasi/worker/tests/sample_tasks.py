"""Tasks and periodic jobs used by the worker tests."""

from types import SimpleNamespace

from django_tasks import task

calls: list[tuple[str, object]] = []


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def explode() -> None:
    raise ValueError("boom")


@task(takes_context=True)
def which_attempt(context) -> int:
    return context.attempt


def first_job(*, now):
    calls.append(("first", now))
    return SimpleNamespace(as_dict=lambda: {"planned": 2})


def failing_job(*, now):
    raise RuntimeError("the care sweep is broken")


def last_job(*, now):
    calls.append(("last", now))
