"""A django-tasks backend that enqueues Tasks into Huey.

kaderasi codes against Django's task API (the django-tasks backport on Django 5.2): a task is a
module-level function decorated with `django_tasks.task`, enqueued with `.enqueue(...)`. This
backend turns each enqueue into one Huey message naming the task by its module path, with JSON
arguments; a Huey consumer (`kaderasi worker`) imports the function and runs it. Periodic work
uses the same path (`register_periodic`), so every job runs the same way whoever triggers it."""

import logging
import uuid
import weakref
from typing import Any

from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskContext, TaskError, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import normalize_json
from huey import Huey
from huey.exceptions import TaskException

logger = logging.getLogger(__name__)

RUNNER_NAME = "run_django_task"

# The runner task registered on each Huey instance.
_runners: "weakref.WeakKeyDictionary[Huey, Any]" = weakref.WeakKeyDictionary()


def _function_of(module_path: str):
    target = import_string(module_path)
    return target.func if isinstance(target, Task) else target


def run_django_task(module_path: str, args: list, kwargs: dict, *, huey: Huey) -> Any:
    """Run the django-tasks Task at `module_path` in this process. In a worker, stale database
    connections are closed before and after, as Django does around a request."""
    in_worker = not huey.immediate
    if in_worker:
        close_old_connections()
    try:
        target = import_string(module_path)
        function = _function_of(module_path)
        if isinstance(target, Task) and target.takes_context:
            context = TaskContext(task_result=_result(target, str(uuid.uuid4()), args, kwargs))
            return normalize_json(function(context, *args, **kwargs))
        return normalize_json(function(*args, **kwargs))
    finally:
        if in_worker:
            close_old_connections()


def register_runner(huey: Huey) -> None:
    """Teach `huey` to run django-tasks Tasks (once per instance)."""

    def runner(module_path: str, args: list, kwargs: dict) -> Any:
        return run_django_task(module_path, args, kwargs, huey=huey)

    runner.__module__ = __name__
    _runners[huey] = huey.task(name=RUNNER_NAME)(runner)


def register_periodic(huey: Huey, task: Task, schedule) -> None:
    """Run the django-tasks `task` (no arguments) on `schedule`, a Huey crontab."""

    def periodic_runner() -> Any:
        return run_django_task(task.module_path, [], {}, huey=huey)

    periodic_runner.__module__ = __name__
    huey.periodic_task(schedule, name=f"periodic:{task.module_path}")(periodic_runner)


def _result(task: Task, result_id: str, args, kwargs, **changes) -> TaskResult:
    values = {
        "task": task,
        "id": result_id,
        "status": TaskResultStatus.READY,
        "enqueued_at": None,
        "started_at": None,
        "finished_at": None,
        "last_attempted_at": None,
        "args": list(args),
        "kwargs": dict(kwargs),
        "backend": task.backend,
        "errors": [],
        "worker_ids": [],
    }
    values.update(changes)
    return TaskResult(**values)


class HueyTaskBackend(BaseTaskBackend):
    """Enqueue django-tasks Tasks into kaderasi's Huey queue (see huey_queue.py)."""

    supports_defer = True

    def enqueue(self, task: Task, args, kwargs) -> TaskResult:
        from kaderasi.worker.huey_queue import get_huey

        self.validate_task(task)
        huey = get_huey()
        args = normalize_json(list(args))
        kwargs = normalize_json(dict(kwargs))
        message = _runners[huey].s(task.module_path, args, kwargs, eta=task.run_after)
        enqueued_at = timezone.now()
        result = _result(task, message.id, args, kwargs, enqueued_at=enqueued_at)
        task_enqueued.send(type(self), task_result=result)
        handle = huey.enqueue(message)
        if not huey.immediate or task.run_after is not None:
            return result
        # Immediate mode (tests): the task has run; report how it ended.
        try:
            value = handle.get() if handle is not None else None
        except TaskException as error:
            failed = _result(
                task,
                message.id,
                args,
                kwargs,
                status=TaskResultStatus.FAILED,
                enqueued_at=enqueued_at,
                finished_at=timezone.now(),
                errors=[
                    TaskError(
                        exception_class_path="huey.exceptions.TaskException",
                        traceback=error.metadata.get("traceback", str(error)),
                    )
                ],
            )
            return failed
        succeeded = _result(
            task,
            message.id,
            args,
            kwargs,
            status=TaskResultStatus.SUCCESSFUL,
            enqueued_at=enqueued_at,
            finished_at=timezone.now(),
        )
        object.__setattr__(succeeded, "_return_value", value)
        return succeeded
