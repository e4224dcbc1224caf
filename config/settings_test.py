"""Test settings: the production settings with a throwaway key, fast hashing and local data."""

import os
import tempfile

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("KADERASI_DATA_DIR", tempfile.mkdtemp(prefix="kaderasi-test-"))
# Each pytest-xdist worker gets a data directory of its own (database file, outbox, task queue).
if os.environ.get("PYTEST_XDIST_WORKER") and not os.environ.get("KADERASI_TEST_WORKER_DIR"):
    worker_dir = os.path.join(os.environ["KADERASI_DATA_DIR"], os.environ["PYTEST_XDIST_WORKER"])
    os.makedirs(worker_dir, exist_ok=True)
    os.environ["KADERASI_DATA_DIR"] = os.environ["KADERASI_TEST_WORKER_DIR"] = worker_dir
os.environ.setdefault("KADERASI_MANIFEST_STATIC", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# Background tasks run where they are enqueued; a test that needs a real queue (the worker) says so.
os.environ.setdefault("HUEY_IMMEDIATE", "true")
# A test's import runs inside the test's transaction, whose SQLite write lock a heartbeat thread
# would wait out: it beats once at the start (tests of the progress page set the counts).
os.environ.setdefault("KADERASI_IMPORT_PROGRESS_SECONDS", "600")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's default shared-cache ":memory:" database: in shared-cache mode a
    # browser test's live-server thread and the test thread fail at once with "database table
    # is locked" when they touch the same table, while a file in WAL mode lets readers pass a
    # writer and makes a second writer wait out the busy timeout. Durability is not a concern.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
    DATABASES["default"]["OPTIONS"]["init_command"] = (  # noqa: F405
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;"
    )
