"""The offline app: its service worker, web app manifest, offline fallback and outbox pages."""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from kaderasi.core.conditional import answer_conditionally
from kaderasi.offline import shell
from kaderasi.offline.app_strings import strings_script
from kaderasi.offline.outbox_page import outbox_page_data


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """The service worker, served from the site root so that its scope is the whole app."""
    config = {
        "version": shell.shell_version(),
        "shell": shell.shell_static_urls(),
        "fallbacks": shell.fallback_urls(),
        "strings": shell.strings_urls(),
        "defaultLanguage": settings.LANGUAGE_CODE,
        "networkOnly": shell.network_only_paths(),
        "staticPrefix": settings.STATIC_URL,
        "mediaPrefix": settings.MEDIA_URL,
        "mediaPatterns": shell.kept_media_patterns(),
    }
    response = render(
        request,
        "offline/sw.js",
        {"config": json.dumps(config).replace("<", "\\u003c")},
        content_type="application/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    # The browser checks for a new worker at each visit: unchanged, it costs a 304.
    return answer_conditionally(request, response)


@require_GET
@cache_control(max_age=86400)
def favicon(request):
    """The app's icon for a browser that asks /favicon.ico (a page without an icon link, a PDF or
    JSON opened in a tab): a redirect, so no page logs a missing resource."""
    return redirect(static("kaderasi/icon.svg"))


@require_GET
def manifest(request):
    """The web app manifest, in the language of the request."""
    return JsonResponse(
        {
            "name": _("kaderasi — oxytocin massage by cadres"),
            "short_name": "kaderasi",
            "description": _("Sessions, measurements and the booklet for cadres, even offline."),
            "lang": request.LANGUAGE_CODE,
            "start_url": reverse("home"),
            "scope": "/",
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#f8fafc",
            "theme_color": "#0f766e",
            "icons": [
                {"src": static("offline/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("offline/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": static("offline/icon-maskable-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                    "purpose": "maskable",
                },
                {
                    "src": static("offline/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
                {"src": static("kaderasi/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@cache_control(public=True, max_age=365 * 24 * 3600, immutable=True)
def strings(request):
    """The offline app's texts in the language of the URL. Its URL carries a digest of the texts
    (`shell.strings_url`), so the browser and the service worker may keep it for good."""
    return HttpResponse(
        strings_script(request.LANGUAGE_CODE),
        content_type="application/javascript; charset=utf-8",
    )


@require_GET
def fallback(request):
    """Shown by the service worker for a page that was never opened while online. Rendered
    without the user, because the service worker keeps one copy for whoever uses the phone."""
    return render(request, "offline/fallback.html", {"user": AnonymousUser()})


@login_required
@require_GET
def outbox(request):
    """The records waiting on this phone; the page is filled from the phone's outbox."""
    return render(request, "offline/outbox.html", {"outbox": outbox_page_data()})
