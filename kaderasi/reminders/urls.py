"""Pages of the reminders app (mounted at the site root inside the language prefix)."""

from django.urls import path

from kaderasi.reminders import views

app_name = "reminders"
urlpatterns = [
    path("reminders/send/", views.send_list, name="send-list"),
    path("reminders/<uuid:public_id>/sent/", views.mark_sent, name="mark-sent"),
    path("mothers/<uuid:public_id>/reminders/", views.mother_reminders, name="mother-reminders"),
    path(
        "mothers/<uuid:public_id>/reminders/contacts/",
        views.contact_update,
        name="contact-update",
    ),
    path(
        "mothers/<uuid:public_id>/family-member/",
        views.family_member_edit,
        name="family-member-add",
    ),
    path(
        "mothers/<uuid:public_id>/family-member/<uuid:member_id>/",
        views.family_member_edit,
        name="family-member-edit",
    ),
    path(
        "mothers/<uuid:public_id>/family-member/<uuid:member_id>/end/",
        views.family_member_end,
        name="family-member-end",
    ),
    path("reminders/inbound/sms/", views.inbound_sms, name="inbound-sms"),
    path("reminders/inbound/whatsapp/", views.inbound_whatsapp, name="inbound-whatsapp"),
]
