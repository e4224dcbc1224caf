"""The Huey instance behind django-tasks: SQLite under the data directory by default, Redis when
HUEY["url"] is a redis:// URL, in memory and immediate for tests (HUEY["immediate"])."""

import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")

_lock = threading.Lock()
_huey = None


def build_huey(config: dict):
    """A Huey instance for `config` (the HUEY setting), with kaderasi's task runner registered.
    (Huey, and with it the Redis and PostgreSQL clients, is imported only when first needed.)"""
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    from kaderasi.worker.task_backend import register_runner

    name = config.get("name") or "kaderasi"
    url = config.get("url") or ""
    if config.get("immediate"):
        huey = MemoryHuey(name, immediate=True)
    elif url:
        if not url.startswith(REDIS_SCHEMES):
            raise ImproperlyConfigured("HUEY_URL must be a redis://, rediss:// or unix:// URL.")
        huey = RedisHuey(name, url=url)
    else:
        filename = Path(config.get("filename") or "huey.sqlite3")
        filename.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, filename=str(filename))
    register_runner(huey)
    return huey


def get_huey():
    """The process-wide Huey instance, built on first use from settings.HUEY."""
    global _huey
    with _lock:
        if _huey is None:
            _huey = build_huey(settings.HUEY)
        return _huey


def reset_huey() -> None:
    """Forget the instance, so the next use reads settings.HUEY again."""
    global _huey
    with _lock:
        _huey = None


@receiver(setting_changed)
def _reset_on_setting_change(*, setting: str, **kwargs) -> None:
    if setting == "HUEY":
        reset_huey()
