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
