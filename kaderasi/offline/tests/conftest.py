import os

import pytest


@pytest.fixture(autouse=True)
def _service_worker_network_events(monkeypatch):
    """Let Playwright report the service worker's own requests (it launches the browser after
    this fixture), so that page weight counts what the worker fetches too."""
    monkeypatch.setitem(os.environ, "PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
