from django.contrib import admin

from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.core.policies import Permission
from kaderasi.training.models import TestAttempt, Training
from kaderasi.training.selectors import trainings_visible_to


def attempts_visible_to(user):
    return TestAttempt.objects.filter(training__in=trainings_visible_to(user))


class TestAttemptInline(admin.TabularInline):
    model = TestAttempt
    extra = 0
    fields = ["cadre", "phase", "score", "taken_on", "is_illustrative"]
    autocomplete_fields = ["cadre"]


@admin.register(Training)
class TrainingAdmin(ScopedAdmin):
    visible = trainings_visible_to
    manage = Permission.MANAGE_TRAINING
    list_display = ["title", "programme", "starts_at", "venue"]
    list_filter = ["programme"]
    search_fields = ["title", "venue"]
    inlines = [TestAttemptInline]


@admin.register(TestAttempt)
class TestAttemptAdmin(ScopedAdmin):
    visible = attempts_visible_to
    manage = Permission.MANAGE_TRAINING
    list_display = ["cadre", "training", "phase", "score", "is_illustrative"]
    list_filter = ["training", "phase", "is_illustrative"]
    search_fields = ["cadre__code", "cadre__name"]
    list_select_related = ["cadre", "training"]
    autocomplete_fields = ["cadre"]
