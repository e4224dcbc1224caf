"""Pages of the offline app (mounted at the site root inside the language prefix)."""

from django.urls import path

from kaderasi.offline import views

app_name = "offline"
urlpatterns = [
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("offline/", views.fallback, name="fallback"),
    path("offline/strings.js", views.strings, name="strings"),
    path("outbox/", views.outbox, name="outbox"),
]
