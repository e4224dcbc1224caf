from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("kaderasi.api.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("kaderasi.web.urls")),
    path("", include("kaderasi.training.urls")),
    path("", include("kaderasi.care.urls")),
    path("", include("kaderasi.evaluation.urls")),
    path("", include("kaderasi.interop.urls")),
    path("", include("kaderasi.reports.urls")),
    path("", include("kaderasi.reminders.urls")),
    path("", include("kaderasi.privacy.urls")),
    path("", include("kaderasi.offline.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
