from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from kaderasi.core.admin_site import ScopedAdmin
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission
from kaderasi.training import services
from kaderasi.training.errors import TrainingErrorCode
from kaderasi.training.models import (
    Booklet,
    BookletChapter,
    Certificate,
    ItemAnswer,
    Option,
    Participant,
    Question,
    QuestionKind,
    Questionnaire,
    SkillAssessment,
    SkillChecklist,
    SkillStep,
    SkillStepResult,
    TestAttempt,
    Training,
    TrainingPolicy,
)
from kaderasi.training.selectors import (
    attempts_visible_to,
    certificates_visible_to,
    participants_visible_to,
    questionnaire_answered,
    skill_assessments_visible_to,
    training_policies_visible_to,
    trainings_visible_to,
)


def all_rows_of(model):
    """Training content (questions, checklists, the booklet) holds no personal data: every admin
    user reads it; changing it needs MANAGE_TRAINING."""

    def visible(user):
        return model.objects.all()

    return visible


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ["cadre", "attendance"]
    autocomplete_fields = ["cadre"]


class TestAttemptInline(admin.TabularInline):
    model = TestAttempt
    extra = 0
    fields = ["cadre", "phase", "status", "score", "entry", "taken_on", "is_illustrative"]
    readonly_fields = ["status", "entry"]
    autocomplete_fields = ["cadre"]


@admin.register(Training)
class TrainingAdmin(ScopedAdmin):
    visible = trainings_visible_to
    manage = Permission.MANAGE_TRAINING
    list_display = ["title", "programme", "starts_at", "venue", "open_test"]
    list_filter = ["programme", "open_test"]
    search_fields = ["title", "venue"]
    filter_horizontal = ["trainers"]
    inlines = [ParticipantInline, TestAttemptInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "video_url":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(Participant)
class ParticipantAdmin(ScopedAdmin):
    visible = participants_visible_to
    manage = Permission.MANAGE_TRAINING
    list_display = ["cadre", "training", "attendance"]
    list_filter = ["attendance", "training"]
    search_fields = ["cadre__code", "cadre__name", "training__title"]
    list_select_related = ["cadre", "training"]
    autocomplete_fields = ["cadre"]
    related_scopes = {"training": trainings_visible_to}


class ItemAnswerInline(admin.TabularInline):
    model = ItemAnswer
    extra = 0
    fields = ["question", "option", "is_correct", "answered_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TestAttempt)
class TestAttemptAdmin(ScopedAdmin):
    visible = attempts_visible_to
    manage = Permission.MANAGE_TRAINING
    list_display = ["cadre", "training", "phase", "status", "score", "entry", "is_illustrative"]
    list_filter = ["training", "phase", "status", "entry", "is_illustrative"]
    search_fields = ["cadre__code", "cadre__name"]
    list_select_related = ["cadre", "training"]
    autocomplete_fields = ["cadre"]
    readonly_fields = ["option_order", "started_at", "completed_at", "entered_by"]
    related_scopes = {"training": trainings_visible_to}
    inlines = [ItemAnswerInline]


class ContentAdmin(ScopedAdmin):
    """Versioned content: 'copy as a new version' instead of editing what cadres answered."""

    manage = Permission.MANAGE_TRAINING
    list_display = ["__str__", "code", "version", "updated_at"]
    list_filter = ["code"]
    search_fields = ["code", "title_id", "title_en"]
    actions = ["copy_as_new_version"]

    @admin.action(description=_("Copy as a new version"))
    def copy_as_new_version(self, request, queryset):
        for content in queryset:
            copy = services.content_copy_as_new_version(content=content)
            self.message_user(
                request,
                _("%(content)s copied as version %(version)s.")
                % {"content": content, "version": copy.version},
                messages.SUCCESS,
            )


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["number", "kind", "text_id", "text_en", "must_pass"]
    show_change_link = True


def _refuse_if_answered(questionnaire) -> None:
    if questionnaire is not None and questionnaire.pk and questionnaire_answered(questionnaire):
        raise DomainError(
            TrainingErrorCode.CONTENT_IN_USE,
            _(
                "Cadres have answered this version. Use 'Copy as a new version' and edit the "
                "copy, so that their answers keep their meaning."
            ),
        )


@admin.register(Questionnaire)
class QuestionnaireAdmin(ContentAdmin):
    visible = all_rows_of(Questionnaire)
    inlines = [QuestionInline]

    def validate(self, form) -> None:
        _refuse_if_answered(form.instance)


class OptionFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if sum(1 for data in kept if data.get("is_correct")) != 1:
            raise ValidationError(_("Mark exactly one option as correct."))
        if self.instance.kind == QuestionKind.TRUE_FALSE and len(kept) != 2:
            raise ValidationError(_("A true/false question has two options: 1 = true, 2 = false."))


class OptionInline(admin.TabularInline):
    model = Option
    formset = OptionFormSet
    extra = 0
    fields = ["position", "text_id", "text_en", "is_correct", "stays_in_place"]


@admin.register(Question)
class QuestionAdmin(ScopedAdmin):
    visible = all_rows_of(Question)
    manage = Permission.MANAGE_TRAINING
    list_display = ["__str__", "questionnaire", "kind", "must_pass"]
    list_filter = ["questionnaire", "kind", "must_pass"]
    search_fields = ["text_id", "text_en"]
    inlines = [OptionInline]

    def validate(self, form) -> None:
        _refuse_if_answered(form.cleaned_data.get("questionnaire"))
        if form.cleaned_data.get("must_pass") and not form.cleaned_data.get("must_pass_reason_id"):
            raise DomainError(
                TrainingErrorCode.CONTENT_INVALID,
                _("Say why this safety question must be right (in Indonesian at least)."),
                field="must_pass_reason_id",
            )


class SkillStepInline(admin.TabularInline):
    model = SkillStep
    extra = 0
    fields = ["number", "section_id", "section_en", "text_id", "text_en", "is_critical"]


@admin.register(SkillChecklist)
class SkillChecklistAdmin(ContentAdmin):
    visible = all_rows_of(SkillChecklist)
    inlines = [SkillStepInline]

    def validate(self, form) -> None:
        if form.instance.pk and form.instance.assessments.exists():
            raise DomainError(
                TrainingErrorCode.CONTENT_IN_USE,
                _(
                    "Re-demonstrations were scored with this version. Use 'Copy as a new "
                    "version' and edit the copy."
                ),
            )


class BookletChapterInline(admin.StackedInline):
    model = BookletChapter
    extra = 0
    fields = [("number", "slug"), ("title_id", "title_en"), "body_id", "body_en"]
    show_change_link = True


@admin.register(Booklet)
class BookletAdmin(ContentAdmin):
    visible = all_rows_of(Booklet)
    inlines = [BookletChapterInline]


@admin.register(BookletChapter)
class BookletChapterAdmin(ScopedAdmin):
    visible = all_rows_of(BookletChapter)
    manage = Permission.MANAGE_TRAINING
    list_display = ["__str__", "booklet"]
    list_filter = ["booklet"]
    search_fields = ["title_id", "title_en", "body_id", "body_en"]


class SkillStepResultInline(admin.TabularInline):
    model = SkillStepResult
    extra = 0
    fields = ["step", "done", "comment"]
    readonly_fields = ["step"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SkillAssessment)
class SkillAssessmentAdmin(ScopedAdmin):
    visible = skill_assessments_visible_to
    manage = Permission.MANAGE_TRAINING
    list_display = ["cadre", "training", "attempt", "assessor", "assessed_at", "is_illustrative"]
    list_filter = ["training", "attempt", "is_illustrative"]
    search_fields = ["cadre__code", "cadre__name"]
    list_select_related = ["cadre", "training", "assessor"]
    autocomplete_fields = ["cadre"]
    related_scopes = {"training": trainings_visible_to}
    inlines = [SkillStepResultInline]


@admin.register(Certificate)
class CertificateAdmin(ScopedAdmin):
    """A certificate added here by hand (e.g. from another programme's records) gets its expiry,
    refresher date and code from the programme's training policy, and needs a recorded reason
    when the cadre did not meet a training's pass rule. Once issued, a certificate changes only
    by being revoked (through the revoking service, which records who revoked it); it is never
    deleted, so that its verification page can still say it was revoked."""

    visible = certificates_visible_to
    manage = Permission.ISSUE_CERTIFICATE
    list_display = [
        "verification_code",
        "cadre",
        "training",
        "issued_on",
        "expires_on",
        "revoked_on",
    ]
    list_filter = ["issued_on", "expires_on", "training"]
    search_fields = ["verification_code", "cadre__code", "cadre__name"]
    list_select_related = ["cadre", "training"]
    autocomplete_fields = ["cadre"]
    related_scopes = {"training": trainings_visible_to}

    # Once issued, a certificate is fixed but for its revocation, which is done once.
    ISSUED = [
        "cadre",
        "training",
        "issued_on",
        "expires_on",
        "refresher_due_on",
        "verification_code",
        "issued_by",
        "issued_reason",
    ]
    REVOCATION = ["revoked_on", "revoked_reason"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["cadre", "training", "issued_on", "issued_reason"]
        return [*self.ISSUED, *self.REVOCATION, "revoked_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        revoked = obj.revoked_on is not None
        return [*self.ISSUED, "revoked_by", *(self.REVOCATION if revoked else [])]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def validate(self, form) -> None:
        data = form.cleaned_data
        if form.instance.pk is None:
            services.certificate_issue_check(
                cadre=data["cadre"],
                training=data.get("training"),
                reason=data.get("issued_reason", ""),
            )
        elif data.get("revoked_on") is not None and not data.get("revoked_reason", "").strip():
            raise DomainError(
                TrainingErrorCode.CERTIFICATE_REASON_REQUIRED,
                _("Say why the certificate is revoked."),
                field="revoked_reason",
            )
        elif data.get("revoked_on") is None and data.get("revoked_reason", "").strip():
            raise DomainError(
                TrainingErrorCode.CERTIFICATE_REASON_REQUIRED,
                _("Give the day from which the certificate is revoked."),
                field="revoked_on",
            )

    def save_model(self, request, obj, form, change):
        if not change:
            saved = services.certificate_issue(
                cadre=obj.cadre,
                training=obj.training,
                issued_on=obj.issued_on,
                reason=obj.issued_reason,
                by=request.user,
            )
            obj.pk = saved.pk
            return
        if "revoked_on" in form.changed_data and obj.revoked_on is not None:
            current = Certificate.objects.get(pk=obj.pk)
            services.certificate_revoke(
                certificate=current,
                on=obj.revoked_on,
                reason=obj.revoked_reason,
                by=request.user,
            )


@admin.register(TrainingPolicy)
class TrainingPolicyAdmin(ScopedAdmin):
    visible = training_policies_visible_to
    manage = Permission.MANAGE_TRAINING
    list_display = [
        "programme",
        "good_band_minimum",
        "fair_band_minimum",
        "post_test_pass_score",
        "skill_minimum_percent",
        "certificate_valid_months",
    ]
    list_filter = ["skill_pass_basis", "certificate_valid_months"]
    search_fields = ["programme__name", "programme__slug"]
    fieldsets = [
        (None, {"fields": ["programme"]}),
        (
            _("Knowledge"),
            {
                "fields": [
                    ("good_band_minimum", "fair_band_minimum"),
                    "post_test_pass_score",
                    "must_pass_items_required",
                ]
            },
        ),
        (
            _("Skills"),
            {
                "fields": [
                    "skill_minimum_percent",
                    "skill_all_critical_required",
                    "skill_pass_basis",
                    "skill_attempts",
                ]
            },
        ),
        (
            _("Certificates"),
            {
                "fields": [
                    ("certificate_valid_months", "refresher_months_before_expiry"),
                    "certificate_issuer",
                    "certificate_signatory",
                ]
            },
        ),
        (_("Source"), {"fields": ["source"]}),
    ]
