from django.contrib.auth import views as auth_views
from django.urls import path

from kaderasi.care import views as care_views
from kaderasi.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("mothers/<uuid:public_id>/", care_views.mother_detail, name="mother-detail"),
]
