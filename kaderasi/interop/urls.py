"""Pages of the interop app (mounted at the site root inside the language prefix)."""

from django.urls import path

from kaderasi.interop import views
from kaderasi.interop.fhir import views as fhir_views

app_name = "interop"
urlpatterns = [
    path("import/", views.programme_import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="template"),
    path("import/<uuid:public_id>/", views.programme_import_done, name="import-done"),
    path("import/jobs/<uuid:public_id>/", views.programme_import_job, name="import-job"),
    path("programmes/<slug:slug>/export/", views.programme_export_page, name="export"),
    path("programmes/<slug:slug>/export.xlsx", views.programme_export, name="export-workbook"),
    path("mothers/<uuid:public_id>/fhir.json", fhir_views.mother_fhir, name="mother-fhir"),
]
