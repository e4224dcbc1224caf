from django.contrib import admin

from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.core.policies import Permission
from kaderasi.evaluation.models import MilkVolumeReference


def references_visible_to(user):
    # Published reference values, not personal data: everyone who uses the admin reads them.
    return MilkVolumeReference.objects.all()


@admin.register(MilkVolumeReference)
class MilkVolumeReferenceAdmin(ScopedAdmin):
    visible = references_visible_to
    manage = Permission.MANAGE_PROGRAMME
    list_display = ["postpartum_day", "lower_ml", "mean_ml", "upper_ml", "bounds", "source"]
    list_filter = ["source", "bounds"]
    search_fields = ["source", "note"]
    fields = [
        "postpartum_day",
        "lower_ml",
        "mean_ml",
        "upper_ml",
        "bounds",
        "study_size",
        "source",
        "source_url",
        "note",
    ]
