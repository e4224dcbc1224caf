from django.contrib.auth import views as auth_views
from django.urls import path

from kaderasi.care import views as care_views
from kaderasi.web import two_factor_views, views

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
    path("login/code/", two_factor_views.two_factor_verify, name="two-factor-verify"),
    path("account/two-factor/", two_factor_views.two_factor_enrol, name="two-factor-enrol"),
    path("programmes/<slug:slug>/", views.programme_detail, name="programme-detail"),
    path("mothers/<uuid:public_id>/", care_views.mother_detail, name="mother-detail"),
]
