import pytest


@pytest.fixture(autouse=True)
def reminder_settings(settings, tmp_path):
    """Tasks run immediately; messages go to an outbox file of the test's own."""
    settings.HUEY = {**settings.HUEY, "immediate": True}
    settings.KADERASI_MESSAGE_BACKEND = "file"
    settings.KADERASI_OUTBOX_PATH = tmp_path / "outbox.jsonl"
    return settings


@pytest.fixture
def outbox(reminder_settings):
    """The lines written to the outbox file so far, as dicts."""
    import json

    def read() -> list[dict]:
        path = reminder_settings.KADERASI_OUTBOX_PATH
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    return read


class FakeGateway:
    """A tiny HTTP server on 127.0.0.1 that records requests and answers from a script."""

    def __init__(self):
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        gateway = self
        self.requests: list[dict] = []
        # (status, JSON body) answers, used in order; the last one repeats.
        self.answers: list[tuple[int, dict]] = [(200, {"id": "gw-1"})]
        self.lookups: dict[str, tuple[int, dict]] = {}

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status, body):
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"null")
                gateway.requests.append(
                    {
                        "method": "POST",
                        "path": self.path,
                        "headers": dict(self.headers),
                        "json": body,
                    }
                )
                answer = gateway.answers.pop(0) if len(gateway.answers) > 1 else gateway.answers[0]
                self._answer(*answer)

            def do_GET(self):
                gateway.requests.append(
                    {"method": "GET", "path": self.path, "headers": dict(self.headers)}
                )
                self._answer(*gateway.lookups.get(self.path, (404, {"error": "unknown"})))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    server = FakeGateway()
    yield server
    server.close()


class SharedDatabase:
    """The test database, reachable from other processes.

    PostgreSQL: the test database itself. SQLite: the test database lives in memory, so it is
    copied to a file for the other processes (`share`) and copied back afterwards (`collect`),
    with SQLite's online backup."""

    def __init__(self, tmp_path):
        from django.db import connection

        self.connection = connection
        self.path = tmp_path / "shared.sqlite3"
        settings = connection.settings_dict
        if connection.vendor == "sqlite":
            self.url = f"sqlite:///{self.path}"
        else:
            password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
            host = settings.get("HOST") or "127.0.0.1"
            port = settings.get("PORT") or 5432
            self.url = f"postgres://{settings['USER']}{password}@{host}:{port}/{settings['NAME']}"

    def share(self) -> None:
        if self.connection.vendor != "sqlite":
            return
        import sqlite3

        self.connection.ensure_connection()
        target = sqlite3.connect(self.path)
        self.connection.connection.backup(target)
        target.close()

    def collect(self) -> None:
        if self.connection.vendor != "sqlite":
            return
        import sqlite3

        source = sqlite3.connect(self.path)
        self.connection.ensure_connection()
        source.backup(self.connection.connection)
        source.close()


@pytest.fixture
def reminder_defaults(transactional_db):
    """The default rules and province time zones of the data migration. A transactional test
    starts from a flushed database, so it seeds them again (serialized rollback would clash with
    other transactional tests that do not use it)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "kaderasi.reminders.migrations.0002_default_rules_and_time_zones"
    )
    migration.seed(apps, None)


@pytest.fixture
def shared_database(reminder_defaults, tmp_path):
    return SharedDatabase(tmp_path)


@pytest.fixture
def process_env(shared_database, reminder_settings, tmp_path):
    """The environment of a kaderasi process working on the test database and outbox."""
    import os

    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": shared_database.url,
            "KADERASI_DATA_DIR": str(tmp_path / "data"),
            "KADERASI_OUTBOX_PATH": str(reminder_settings.KADERASI_OUTBOX_PATH),
            "KADERASI_MESSAGE_BACKEND": "file",
            "HUEY_IMMEDIATE": "false",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env
