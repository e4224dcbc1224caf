from django.urls import path

from kaderasi.privacy import views

app_name = "privacy"
urlpatterns = [
    path("mothers/<uuid:public_id>/data.json", views.mother_data_export, name="mother-data-export"),
    path("mothers/<uuid:public_id>/erase/", views.mother_erase, name="mother-erase"),
]
