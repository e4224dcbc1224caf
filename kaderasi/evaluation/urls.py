"""Pages of the evaluation app (mounted at the site root inside the language prefix)."""

from django.urls import path

from kaderasi.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path(
        "programmes/<slug:slug>/evaluation/",
        views.programme_evaluation,
        name="programme",
    ),
    path(
        "programmes/<slug:slug>/evaluation.xlsx",
        views.programme_evaluation_workbook,
        name="programme-workbook",
    ),
    path(
        "programmes/<slug:slug>/evaluation.pdf",
        views.programme_evaluation_pdf,
        name="programme-pdf",
    ),
]
