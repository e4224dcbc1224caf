"""Done when (issue 18): a crawl of every page each demo login reaches from her home finds no
console error, no page wider than a 360 px phone (cadre and midwife), no English sentence of the
catalogue left on an Indonesian page, no markup in a <title>, no chart number written the English
way on an Indonesian page, and no serious or critical accessibility violation (axe-core, vendored
for the tests in kaderasi/tests/vendor, recorded in static/vendor/vendor.json).

The crawl follows same-site links breadth-first from the home page, once per URL pattern (the
route a path resolves to: ids, slugs and kinds stand for any; the query string is ignored), at
most `MOST_PAGES` pages per login. It leaves out what is not a page of the app for that login:
another language, the API's JSON, downloads (PDF, spreadsheets, the video), logout and the
language switch. The admin site is crawled by `admin` only, and `admin` crawls her home and the
admin site: her other pages are the coordinator's (same templates, wider scope).

Speed: one demo per login (2 s to seed); the pages take the time, axe-core about half of each.
Measured on the shared two-core machine under a load average of about 10: 119 pages (cadre 19,
midwife 34, coordinator 40, district office 17, admin 9) in 3 minutes 20 seconds, 1 to 3 s a
page, none of the logins reaching the bound. KADERASI_SHOTS=dir keeps a screenshot of each page."""

import os
import re
from functools import cache
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import polib
import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from kaderasi.conftest import NOW, log_in
from kaderasi.core import clock
from kaderasi.tests.seeded_demo import demo_seeded

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.PACKAGE_DIR) / "tests" / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}
LOGINS = [
    ("kader", PHONE),
    ("bidan", PHONE),
    ("koordinator", DESK),
    ("dinkes", DESK),
    ("admin", DESK),
]
# The admin site is crawled as `admin` (a coordinator's admin is the same templates over fewer
# rows), and `admin` crawls only her home and the admin site (her other pages are the
# coordinator's templates, crawled as `koordinator`).
ADMIN_CRAWLED_BY = "admin"
MOST_PAGES = 50
# Not a page of the app: the other language, JSON, files, and links that end the visit.
SKIPPED_PREFIXES = ("/en/", "/api/v1/sync/", "/api/v1/content/", "/i18n/", "/logout/", "/sw.js")
SKIPPED_ENDINGS = (".pdf", ".xlsx", ".csv", ".json", ".zip", ".js", ".svg", ".png", "/video/")
SKIPPED_PARTS = ("/download", "/export", "/pdf", "/xlsx", "/workbook", "/fhir", "/print")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
LINKS = """() => [...document.querySelectorAll("a[href]")]
  .filter((a) => !a.hasAttribute("download") && a.target !== "_blank")
  .map((a) => a.href)"""
# The admin's permission pickers list Django's permission names, which Django stores in English
# in the database when it migrates (a Django limitation, not a missing translation).
VISIBLE_TEXT = """() => {
  const body = document.body.cloneNode(true);
  body.querySelectorAll("select[name$=permissions], select[name$=permissions_old]")
    .forEach((select) => select.remove());
  document.body.after(body);
  body.hidden = false;
  const text = body.innerText;
  body.remove();
  return text;
}"""
CHART_TEXTS = """() => [...document.querySelectorAll("svg text")]
  .map((t) => t.textContent.trim())"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {
    resultTypes: ["violations"],
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
  });
  const where = (n) => `${n.target.join(" ")} ${(n.any[0] || n.all[0] || {}).message || ""}`;
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(where).join(" | ")}`);
}"""
# A number written the English way inside a chart: a hyphen for the minus sign or a decimal
# point (Indonesian writes "−5,1").
ENGLISH_NUMBER = re.compile(r"(?<![\w−])-\d|\d\.(?!\d{3}(?!\d))\d")


@cache
def english_sentences() -> tuple[str, ...]:
    """English msgids of kaderasi's catalogue that would never appear on an Indonesian page: a
    sentence of three words or more, translated to something else. Placeholders split a msgid
    into the fragments printed around them."""
    catalogue = polib.pofile(
        str(Path(settings.PACKAGE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po")
    )
    found = set()
    for entry in catalogue.translated_entries():
        translation = entry.msgstr or " ".join(entry.msgstr_plural.values())
        for fragment in re.split(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}|[\n:;·()\"“”]", entry.msgid):
            fragment = fragment.strip(" .,?!")
            if len(fragment.split()) >= 3 and fragment not in translation:
                found.add(fragment)
    return tuple(sorted(found))


def pattern(path: str) -> str:
    """The URL pattern a path resolves to (`mothers/<uuid:public_id>/record/<slug:kind>/`), so each
    kind of page is visited once whatever its ids, slugs or kinds. In the admin every model has
    its own patterns over the same few templates (an app's index, a list, an add form, a change
    form, its history and delete pages): one of each."""
    if path.startswith("/admin/") and path.count("/") > 2:
        path = UUID.sub("{id}", re.sub(r"/\d+(?=/|$)", "/{n}", path))
        path = re.sub(r"^/admin/[\w-]+/", "/admin/{app}/", path)
        return re.sub(r"^/admin/\{app\}/[\w-]+/", "/admin/{app}/{model}/", path)
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return f"{match.namespace}:{match.url_name}:{match.route}"


def crawlable(url: str, origin: str, *, admin: bool) -> str | None:
    """The path to visit for a link, or None when the link leaves the app or is not a page."""
    url, _fragment = urldefrag(url)
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES) or path.endswith(SKIPPED_ENDINGS):
        return None
    if any(part in path for part in SKIPPED_PARTS):
        return None
    if path.startswith("/admin/") and (not admin or "/logout/" in path):
        return None
    if admin and not path.startswith("/admin/") and path != "/":
        return None
    return path


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)
    demo_seeded(now=NOW)


@pytest.fixture
def browser(chromium):
    return chromium.get()


def problems_of(page, path: str, *, phone: bool, errors: list[str]) -> list[str]:
    found = [f"console: {message}" for message in errors]
    title = page.title()
    if not title.strip() or "<" in title or ">" in title:
        found.append(f"title {title!r}")
    if phone and (overflow := page.evaluate(OVERFLOW)) > 0:
        found.append(f"{overflow}px wider than the phone")
    if page.evaluate("() => document.documentElement.lang") == "id":
        text = page.evaluate(VISIBLE_TEXT)
        found += [f"English: {s!r}" for s in english_sentences() if s in text]
        found += [
            f"chart number {t!r}" for t in page.evaluate(CHART_TEXTS) if ENGLISH_NUMBER.search(t)
        ]
    found += [f"axe {violation}" for violation in page.evaluate(AXE_RUN)]
    return found


def crawl(
    page, origin: str, *, phone: bool, admin: bool, shots: str = ""
) -> tuple[dict[str, list[str]], int]:
    from playwright.sync_api import Error as PlaywrightError

    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    queue, seen, findings, visited = ["/"], {pattern("/")}, {}, 0
    while queue and visited < MOST_PAGES:
        path = queue.pop(0)
        errors.clear()
        try:
            response = page.goto(path)
        except PlaywrightError as error:  # a file to download, not a page
            if "Download is starting" in str(error):
                continue
            raise
        visited += 1
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if response.status >= 400:
            findings[path] = [f"HTTP {response.status}"]
            continue
        if problems := problems_of(page, path, phone=phone, errors=errors):
            findings[path] = problems
        if shots:
            name = re.sub(r"[^\w]+", "-", pattern(path)).strip("-") or "home"
            page.screenshot(path=str(Path(shots) / f"{name}.png"))
        for link in page.evaluate(LINKS):
            target = crawlable(link, origin, admin=admin)
            if target and pattern(target) not in seen:
                seen.add(pattern(target))
                queue.append(target)
    return findings, visited


@pytest.mark.parametrize(("username", "viewport"), LOGINS, ids=[u for u, _ in LOGINS])
def test_every_page_a_demo_login_reaches_is_clean(
    browser, answered_before_the_flush, demo, username, viewport
):
    live_server = answered_before_the_flush
    phone = viewport is PHONE
    context = browser.new_context(
        viewport=viewport,
        locale="id-ID",
        base_url=live_server.url,
        has_touch=phone,
        is_mobile=phone,
        accept_downloads=False,
        # The crawl is about pages; the service worker's keeping of a cadre's screens is tested
        # in kaderasi/offline/tests and would only fetch them all again here.
        service_workers="block",
    )
    context.set_default_timeout(15_000)
    # axe-core on every page, as the browser's own script: the page's Content-Security-Policy stays
    # in force, so a script or style it blocks is a console error the crawl reports.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    try:
        log_in(page, username)
        shots = os.environ.get("KADERASI_SHOTS", "")
        if shots:  # KADERASI_SHOTS=dir keeps a screenshot of every page crawled
            shots = str(Path(shots) / username)
            Path(shots).mkdir(parents=True, exist_ok=True)
        findings, visited = crawl(
            page, live_server.url, phone=phone, admin=username == ADMIN_CRAWLED_BY, shots=shots
        )
    finally:
        context.close()

    assert visited > 3, "the crawl found almost no pages"
    assert findings == {}, "\n".join(f"{path}: {found}" for path, found in findings.items())
