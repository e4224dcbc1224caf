"""Benchmark: the cadre's phone on a slow connection (issue 15, item 6).

`run()` writes the demo into the throwaway database, collects the static files as production does
(WhiteNoise's compressed manifest storage: hashed names, gzip and Brotli copies made once), starts
gunicorn with the production settings, and drives Debian's Chromium (Playwright, 360×740, Chrome
DevTools' "Slow 3G" profile through CDP: 400 kbit/s each way, 2,000 ms round trip) as the demo
cadre `kader` on a fresh phone. It measures, in bytes on the wire (headers and bodies, as
compressed as the server sent them, counted by a relay between Chromium and gunicorn: the
service worker's own requests included, whatever a cache of the browser answered excluded):

* `cadre.first_load_kb`: log in and see her day: the login page, the login itself and her home
  page with everything it loads, until the home page's `load` event;
* `cadre.offline_kit_kb`: what follows in the background, without holding her back: the first
  sync (pull) and the service worker keeping the app shell and her clients' screens for use
  without a signal (every record form of each client);
* `cadre.return_visit_kb`: opening her home page again later (the shell from the service worker's
  cache, the page itself and a sync);
* `cadre.save_to_confirmation_ms`: from the tap on Simpan (a feeds count) to the line saying the
  record is safe on the phone (the outbox), the sending to the server going on behind it; the
  median of `SAVES` saves, and the slowest (`save_to_confirmation_max_ms`).

The throttling is applied to the page; the service worker's requests are counted but not slowed
(CDP throttles one target), which changes no byte count. Run it alone with
`python -m bench.bench_cadre_phone`.
"""

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import threading
from pathlib import Path

from bench import harness
from bench.bench_sync_push import GunicornServer

# The full browser, as the cadre's phone runs it: the save-to-confirmation time is the browser's
# own work, so this bench stays on it while the tests drive the headless shell (decision 0325).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
# Chrome DevTools' "Slow 3G" preset (front_end/core/sdk/NetworkManager.ts): 500 kbit/s × 0.8,
# 400 ms × 5 of latency.
SLOW_3G = {
    "offline": False,
    "latency": 2000,
    "downloadThroughput": 500 * 1000 / 8 * 0.8,
    "uploadThroughput": 500 * 1000 / 8 * 0.8,
}
SAVES = harness.scaled(5, minimum=3)
TARGETS = {
    "cadre.first_load_kb": ("<=", 60),
    "cadre.return_visit_kb": ("<=", 5),
    "cadre.save_to_confirmation_ms": ("<=", 300),
}
# The time from the tap on Simpan to the first confirmation line the form shows.
WATCH_SAVE = """() => {
  window.benchSaved = null;
  const form = document.querySelector("form[data-outbox=feeds]");
  // The tap (offline.js takes the submit event itself, before the form's own listeners).
  form.querySelector("button[type=submit]").addEventListener("click", () => {
    window.benchTapped = performance.now();
  });
  new MutationObserver(() => {
    if (window.benchSaved === null && form.querySelector(".offline-notice, .offline-flash")) {
      window.benchSaved = performance.now() - window.benchTapped;
    }
  }).observe(form, { childList: true, subtree: true });
}"""


def run() -> dict:
    from django.utils import timezone

    from kaderasi.care.models import Mother
    from kaderasi.demo.seeding import seed_demo

    seed_demo(now=timezone.now())
    harness.production_passwords(["kader"])
    client = Mother.objects.get(programme__slug="demo-live", code="M03")
    # Production settings, but plain HTTP on 127.0.0.1: secure-only cookies would not be kept.
    production = {
        "KADERASI_MANIFEST_STATIC": "true",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
    }
    _collectstatic(production)
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    from playwright.sync_api import sync_playwright

    with (
        GunicornServer(workers=2, env=production) as server,
        CountingRelay(server.port) as wire,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 360, "height": 740},
            locale="id-ID",
            base_url=f"http://127.0.0.1:{wire.port}",
            is_mobile=True,
            has_touch=True,
        )
        context.set_default_timeout(120_000)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        finished: list = []
        context.on("requestfinished", lambda request: finished.append(request))

        page.goto("/login/")
        page.fill("#id_username", "kader")
        page.fill("#id_password", "kaderasi-demo")
        with page.expect_navigation(wait_until="load"):
            page.click("button[type=submit].primary")
        first_load = wire.received
        _list(finished, f"first load {first_load} bytes")
        page.evaluate("window.kaderasiOffline.ready")
        page.wait_for_timeout(2000)
        offline_kit = wire.received - first_load
        _list(finished, f"offline kit {offline_kit} bytes")

        before = wire.received
        page.goto("/")
        page.evaluate("window.kaderasiOffline.ready")
        page.wait_for_timeout(2000)
        return_visit = wire.received - before
        _list(finished, f"return visit {return_visit} bytes")

        saves = [_save(page, client.public_id, count) for count in range(SAVES)]
        browser.close()
    return {
        "cadre.first_load_kb": round(first_load / 1000, 1),
        "cadre.offline_kit_kb": round(offline_kit / 1000, 1),
        "cadre.return_visit_kb": round(return_visit / 1000, 1),
        "cadre.save_to_confirmation_ms": round(statistics.median(saves)),
        "cadre.save_to_confirmation_max_ms": round(max(saves)),
        "cadre.network_profile": "Slow 3G (400 kbit/s, 2000 ms RTT)",
    }


class CountingRelay:
    """A TCP relay between the browser and gunicorn that counts the bytes the server sends: what
    the phone receives on the wire (headers and bodies, compressed as sent), whoever asked (the
    page or its service worker), and nothing the browser's own caches answered."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.received = 0
        self._lock = threading.Lock()

    def __enter__(self) -> "CountingRelay":
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.close()

    def _accept(self) -> None:
        while True:
            try:
                browser, _address = self._server.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream_port))
            threading.Thread(target=self._pump, args=(browser, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, browser, True), daemon=True).start()

    def _pump(self, source, target, counted: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if counted:
                    with self._lock:
                        self.received += len(chunk)
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)


def _say(line: str) -> None:
    if os.environ.get("BENCH_DETAIL"):
        print(line, file=sys.stderr)


def _collectstatic(env: dict) -> None:
    """The static files as a deploy collects them, into this run's data directory (gunicorn's
    STATIC_ROOT: it inherits KADERASI_DATA_DIR), unless that directory holds them already (a
    KADERASI_DATA_DIR given to a standalone run)."""
    from django.conf import settings

    if (Path(settings.DATA_DIR) / "static" / "staticfiles.json").exists():
        return
    subprocess.run(
        [sys.executable, "-m", "kaderasi", "collectstatic", "--noinput", "--verbosity=0"],
        cwd=harness.ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "bench-only-secret-key",
            "DEBUG": "false",
            **env,
        },
        check=True,
    )


def _list(requests: list, heading: str) -> None:
    """With BENCH_DETAIL=1: the requests since the last list (what the page and its worker
    asked for; the relay counts the bytes), to see what weighs."""
    for request in list(requests):
        response = request.response()
        if response is None:
            continue
        source = "worker-cache" if response.from_service_worker else "network"
        encoding = response.header_value("content-encoding") or "-"
        sizes = request.sizes()
        weight = f"{sizes['responseHeadersSize']:>5}+{sizes['responseBodySize']:<6}"
        _say(f"{source:>12} {response.status} {encoding:>5} {weight} {request.url}")
    requests.clear()
    _say(heading)


def _save(page, mother_id, count: int) -> float:
    """One feeds count saved: milliseconds from the tap to the confirmation on the form."""
    page.goto(f"/mothers/{mother_id}/record/feeds/")
    page.wait_for_selector("form[data-outbox=feeds]")
    page.evaluate("window.kaderasiOffline.ready")
    page.evaluate(WATCH_SAVE)
    page.fill("form[data-outbox=feeds] input[name=value]", str(8 + count % 4))
    page.click("form[data-outbox=feeds] button[type=submit]")
    page.wait_for_function("() => window.benchSaved !== null")
    took = page.evaluate("window.benchSaved")
    # Let the record reach the server before the next one (the page then goes back to her day).
    page.wait_for_function("() => location.pathname === '/'", timeout=120_000)
    return took


if __name__ == "__main__":
    harness.standalone(run)
