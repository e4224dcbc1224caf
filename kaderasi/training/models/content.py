"""Training content as data: versioned questionnaires, skill checklists and the booklet, each in
Bahasa Indonesia and English. Seeded from files in `kaderasi/training/content/`, editable in the
admin; a version that cadres have answered is copied to a new version rather than edited."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel


class Bilingual:
    """Models with `<name>_id` and `<name>_en` fields read `localized("<name>")` in the active
    language, falling back to Bahasa Indonesia when the English text is missing."""

    def localized(self, name: str, language: str | None = None) -> str:
        language = (language or get_language() or "id")[:2]
        text = getattr(self, f"{name}_{language}", "") if language in {"id", "en"} else ""
        return text or getattr(self, f"{name}_id")


def _with_rule_values(text: str, language: str | None) -> str:
    """A question's or option's text with the thresholds it names read from the rule data
    (`training/thresholds.py`), so that the test prints what the rules check."""
    from kaderasi.training.thresholds import fill_values, has_values, rule_data

    if not has_values(text):
        return text
    return fill_values(text, rule_data(), (language or get_language() or "id")[:2])


class VersionedContent(Bilingual, BaseModel):
    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    title_id = models.CharField(_("title (Indonesian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    source_id = models.TextField(_("sources (Indonesian)"), blank=True)
    source_en = models.TextField(_("sources (English)"), blank=True)

    class Meta:
        abstract = True
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.localized('title')} (v{self.version})"


class Questionnaire(VersionedContent):
    """A versioned knowledge test. Pre-test and post-test of a training use the same version."""

    class Meta(VersionedContent.Meta):
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="questionnaire_code_version_unique",
                violation_error_message=_("This questionnaire already has this version."),
            ),
        ]


class QuestionKind(models.TextChoices):
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


class Question(Bilingual, BaseModel):
    questionnaire = models.ForeignKey(
        Questionnaire,
        verbose_name=_("questionnaire"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=16, choices=QuestionKind.choices)
    text_id = models.TextField(
        _("question (Indonesian)"),
        help_text=_(
            "Print a threshold from its rule, never typed: {rule.CODE.PARAMETER} (a flag rule) or "
            "{sign.CODE.PARAMETER} (a danger sign), e.g. "
            "{rule.infant_weight_loss_referral.loss_percent_at_least}."
        ),
    )
    text_en = models.TextField(_("question (English)"), blank=True)
    explanation_id = models.TextField(_("why (Indonesian)"), blank=True)
    explanation_en = models.TextField(_("why (English)"), blank=True)
    source = models.CharField(_("basis"), max_length=200, blank=True)
    must_pass = models.BooleanField(
        _("must pass"),
        default=False,
        help_text=_(
            "A safety item: a cadre who answers it wrong in the post-test is not certified, "
            "whatever her total (when the programme's training policy requires it)."
        ),
    )
    must_pass_reason_id = models.TextField(_("why it must pass (Indonesian)"), blank=True)
    must_pass_reason_en = models.TextField(_("why it must pass (English)"), blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["questionnaire", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"],
                name="question_number_unique_in_questionnaire",
                violation_error_message=_("This questionnaire already has a question number."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="question_kind_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.localized('text')[:80]}"

    def localized(self, name: str, language: str | None = None) -> str:
        return _with_rule_values(super().localized(name, language), language)


class Option(Bilingual, BaseModel):
    """One answer option. `position` is the printed order (a, b, c, d; for true/false questions
    1 = true, 2 = false); phones show a shuffled order, except for `stays_in_place` options such
    as "all of the above"."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options"
    )
    position = models.PositiveSmallIntegerField(_("position on paper"))
    text_id = models.CharField(_("option (Indonesian)"), max_length=300)
    text_en = models.CharField(_("option (English)"), max_length=300, blank=True)
    is_correct = models.BooleanField(_("correct"), default=False)
    stays_in_place = models.BooleanField(
        _("stays in place"),
        default=False,
        help_text=_("Not shuffled, e.g. 'all of these are right' stays last."),
    )

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "position"],
                name="option_position_unique_in_question",
                violation_error_message=_("Two options of this question have the same position."),
            ),
            models.UniqueConstraint(
                fields=["question"],
                condition=Q(is_correct=True),
                name="option_one_correct_per_question",
                violation_error_message=_("A question has exactly one correct option."),
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=6),
                name="option_position_1_to_6",
                violation_error_message=_("Options are numbered 1 to 6."),
            ),
        ]

    @property
    def letter(self) -> str:
        return "abcdef"[self.position - 1]

    def localized(self, name: str, language: str | None = None) -> str:
        return _with_rule_values(super().localized(name, language), language)

    def __str__(self) -> str:
        return f"{self.letter}) {self.localized('text')}"


class SkillChecklist(VersionedContent):
    """The observed steps of the oxytocin-massage SOP, scored yes/no by an assessor."""

    class Meta(VersionedContent.Meta):
        verbose_name = _("skill checklist")
        verbose_name_plural = _("skill checklists")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="skill_checklist_code_version_unique",
                violation_error_message=_("This checklist already has this version."),
            ),
        ]


class SkillStep(Bilingual, BaseModel):
    checklist = models.ForeignKey(
        SkillChecklist, verbose_name=_("checklist"), on_delete=models.CASCADE, related_name="steps"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    section_id = models.CharField(_("section (Indonesian)"), max_length=80)
    section_en = models.CharField(_("section (English)"), max_length=80, blank=True)
    text_id = models.CharField(_("step (Indonesian)"), max_length=300)
    text_en = models.CharField(_("step (English)"), max_length=300, blank=True)
    is_critical = models.BooleanField(_("critical"), default=False)

    class Meta:
        verbose_name = _("skill step")
        verbose_name_plural = _("skill steps")
        ordering = ["checklist", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "number"],
                name="skill_step_number_unique_in_checklist",
                violation_error_message=_("This checklist already has a step with this number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.localized('text')}"


class Booklet(VersionedContent):
    """The training booklet (materi): chapters of markdown in two languages."""

    subtitle_id = models.CharField(_("subtitle (Indonesian)"), max_length=200, blank=True)
    subtitle_en = models.CharField(_("subtitle (English)"), max_length=200, blank=True)

    class Meta(VersionedContent.Meta):
        verbose_name = _("booklet")
        verbose_name_plural = _("booklets")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="booklet_code_version_unique",
                violation_error_message=_("This booklet already has this version."),
            ),
        ]


class BookletChapter(Bilingual, BaseModel):
    booklet = models.ForeignKey(
        Booklet, verbose_name=_("booklet"), on_delete=models.CASCADE, related_name="chapters"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    slug = models.SlugField(_("slug"), max_length=60)
    title_id = models.CharField(_("title (Indonesian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_id = models.TextField(
        _("text (Indonesian)"),
        help_text=_(
            "Markdown. Draw an illustration with ![caption](illustration:mother-position) or "
            "![caption](illustration:hand-placement). Print a threshold from its rule with "
            "{rule.CODE.PARAMETER} or {sign.CODE.PARAMETER}; on a line of its own, "
            "{table:weight_loss_grams}, {table:milk_volumes} or {list:danger_signs.mother} "
            "(or .newborn, .before_massage) build a table or list from the data."
        ),
    )
    body_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        verbose_name = _("booklet chapter")
        verbose_name_plural = _("booklet chapters")
        ordering = ["booklet", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["booklet", "number"],
                name="booklet_chapter_number_unique",
                violation_error_message=_("This booklet already has a chapter with this number."),
            ),
            models.UniqueConstraint(
                fields=["booklet", "slug"],
                name="booklet_chapter_slug_unique",
                violation_error_message=_("This booklet already has a chapter with this slug."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.localized('title')}"
