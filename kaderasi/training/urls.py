"""Pages of the training app (mounted at the site root inside the language prefix)."""

from django.urls import path

from kaderasi.training.views import certificates, events, knowledge, materials, skills

app_name = "training"
urlpatterns = [
    path("programmes/<slug:slug>/trainings/new/", events.training_create, name="training-create"),
    path(
        "programmes/<slug:slug>/certification/",
        certificates.programme_certification_page,
        name="programme-certification",
    ),
    path("trainings/<uuid:public_id>/", events.training_detail, name="training-detail"),
    path("trainings/<uuid:public_id>/edit/", events.training_edit, name="training-edit"),
    path(
        "trainings/<uuid:public_id>/participants/",
        events.training_participants,
        name="training-participants",
    ),
    path("trainings/<uuid:public_id>/test/", events.training_test_control, name="training-test"),
    path("trainings/<uuid:public_id>/video/", events.training_video, name="training-video"),
    path(
        "trainings/<uuid:public_id>/video/upload/",
        events.training_video_upload,
        name="training-video-upload",
    ),
    path("trainings/<uuid:public_id>/paper/", events.test_paper, name="test-paper"),
    path(
        "trainings/<uuid:public_id>/summary/",
        knowledge.training_summary,
        name="training-summary",
    ),
    path(
        "trainings/<uuid:public_id>/answers/<str:phase>/",
        knowledge.answer_sheets,
        name="answer-sheets",
    ),
    path(
        "trainings/<uuid:public_id>/scores/<str:phase>/",
        knowledge.total_scores,
        name="total-scores",
    ),
    path("trainings/<uuid:public_id>/skills/", skills.training_skills, name="training-skills"),
    path(
        "trainings/<uuid:public_id>/skills/<uuid:cadre_public_id>/<int:attempt>/",
        skills.skill_assess,
        name="skill-assess",
    ),
    path(
        "trainings/<uuid:public_id>/certificates/",
        certificates.training_certificates,
        name="training-certificates",
    ),
    path("my/training/", knowledge.my_training, name="my-training"),
    path(
        "my/tests/<uuid:training_public_id>/<str:phase>/",
        knowledge.test_start,
        name="test-start",
    ),
    path(
        "my/attempts/<uuid:attempt_public_id>/<int:number>/",
        knowledge.test_question,
        name="test-question",
    ),
    path(
        "my/attempts/<uuid:attempt_public_id>/review/",
        knowledge.test_review,
        name="test-review",
    ),
    path(
        "my/attempts/<uuid:attempt_public_id>/result/",
        knowledge.test_result,
        name="test-result",
    ),
    path(
        "certificates/<uuid:public_id>/pdf/",
        certificates.certificate_download,
        name="certificate-pdf",
    ),
    path(
        "certificates/<uuid:public_id>/revoke/",
        certificates.certificate_revoke,
        name="certificate-revoke",
    ),
    path("verify/", certificates.verify, name="verify-lookup"),
    path("verify/<str:code>/", certificates.verify, name="verify"),
    path("materials/", materials.materials, name="materials"),
    path(
        "materials/booklet/<slug:code>/<int:version>/",
        materials.booklet_read,
        name="booklet",
    ),
    path(
        "materials/booklet/<slug:code>/<int:version>/pdf/",
        materials.booklet_download,
        name="booklet-pdf",
    ),
]
