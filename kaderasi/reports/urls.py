"""Pages of the reports app (mounted at the site root inside the language prefix)."""

from django.urls import path

from kaderasi.reports import views

app_name = "reports"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/mothers/", views.dashboard_mothers, name="dashboard-mothers"),
    path("dashboard/cadres/", views.dashboard_cadres, name="dashboard-cadres"),
    path("dashboard/referrals/", views.dashboard_referrals, name="dashboard-referrals"),
    path("dashboard/overrides/", views.dashboard_overrides, name="dashboard-overrides"),
    path("programmes/<slug:slug>/report/", views.programme_report, name="programme-report"),
    path(
        "programmes/<slug:slug>/report/conclusion/",
        views.programme_report_conclusion,
        name="programme-report-conclusion",
    ),
    path(
        "programmes/<slug:slug>/report/exports/",
        views.report_export_create,
        name="export-create",
    ),
    path("report-exports/<uuid:public_id>/", views.report_export_detail, name="export-detail"),
    path(
        "report-exports/<uuid:public_id>/download/",
        views.report_export_download,
        name="export-download",
    ),
]
