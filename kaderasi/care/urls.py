"""Pages of the care app (mounted at the site root inside the language prefix). The mother's page
keeps its historical name `mother-detail` (web/urls.py routes it to care.views.mother_detail)."""

from django.urls import path

from kaderasi.care import views

app_name = "care"
urlpatterns = [
    path("mothers/", views.mother_list, name="mother-list"),
    path("mothers/new/", views.mother_register, name="mother-register"),
    path("mothers/<uuid:public_id>/reads/", views.mother_reads, name="mother-reads"),
    path(
        "mothers/<uuid:public_id>/consent/<slug:subject>/",
        views.consent_give,
        name="consent-give",
    ),
    path(
        "mothers/<uuid:public_id>/consent/<uuid:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent-withdraw",
    ),
    path("mothers/<uuid:public_id>/pregnancy/", views.pregnancy_edit, name="pregnancy-edit"),
    path("mothers/<uuid:public_id>/delivery/", views.delivery_record, name="delivery-record"),
    path("mothers/<uuid:public_id>/infants/new/", views.infant_add, name="infant-add"),
    path("mothers/<uuid:public_id>/cadre/", views.pairing, name="pairing"),
    path("mothers/<uuid:public_id>/cadre/end/", views.pairing_end, name="pairing-end"),
    path("mothers/<uuid:public_id>/session/", views.session_guide, name="session-guide"),
    path(
        "mothers/<uuid:public_id>/record/milk-volume/",
        views.milk_volume_record,
        name="milk-volume",
    ),
    path(
        "mothers/<uuid:public_id>/record/danger-signs/",
        views.danger_signs_check,
        name="danger-signs",
    ),
    path(
        "mothers/<uuid:public_id>/record/latch/",
        views.latch_score,
        name="latch-score",
    ),
    path(
        "mothers/<uuid:public_id>/record/<slug:kind>/",
        views.measurement_record,
        name="measurement-record",
    ),
    path("mothers/<uuid:public_id>/session/skip/", views.session_skip, name="session-skip"),
    path(
        "mothers/<uuid:public_id>/delivery/follow-up/",
        views.delivery_followup,
        name="delivery-followup",
    ),
    path("mothers/<uuid:public_id>/milk-onset/", views.milk_onset, name="milk-onset"),
    path("referrals/", views.referral_list, name="referral-list"),
    path("referrals/<uuid:public_id>/", views.referral_detail, name="referral-detail"),
]
