"""The JSON API under /api/v1/ (outside the language prefix), and the pages that manage what the
API keeps: the user's device tokens and the midwife's conflicts."""

from django.urls import path

from kaderasi.api import views
from kaderasi.api.endpoints import api

urlpatterns = [
    path("devices/", views.device_list, name="api-devices"),
    path("conflicts/", views.conflict_list, name="api-conflicts"),
    path("conflicts/<uuid:public_id>/", views.conflict_detail, name="api-conflict-detail"),
    path("", api.urls),
]
