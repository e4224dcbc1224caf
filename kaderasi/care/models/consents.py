"""Informed consent, separately for the mother's and the infant's data (UU PDP)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kaderasi.care.models.mothers import Mother
from kaderasi.core.models import BaseModel


class ConsentSubject(models.TextChoices):
    MOTHER = "mother", _("The mother's data")
    INFANT = "infant", _("The infant's data")


class ConsentGivenBy(models.TextChoices):
    MOTHER = "mother", _("The mother herself")
    HUSBAND = "husband", _("Her husband")
    PARENT = "parent", _("A parent")
    GUARDIAN = "guardian", _("A legal guardian")


class Consent(BaseModel):
    """Consent to process a subject's data, under a version of the consent text. While withdrawn,
    nothing is processed and no reminder is sent for that subject."""

    mother = models.ForeignKey(
        Mother, verbose_name=_("mother"), on_delete=models.CASCADE, related_name="consents"
    )
    subject = models.CharField(_("consent for"), max_length=10, choices=ConsentSubject.choices)
    text_version = models.CharField(_("version of the consent text"), max_length=20)
    given_by = models.CharField(
        _("given by"), max_length=10, choices=ConsentGivenBy.choices, default=ConsentGivenBy.MOTHER
    )
    given_at = models.DateTimeField(_("given at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawal recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mother", "subject"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_active_per_subject",
                violation_error_message=_("This consent is already recorded and active."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("given_at")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("Consent cannot be withdrawn before it was given."),
            ),
            models.CheckConstraint(
                condition=Q(subject__in=ConsentSubject.values), name="consent_subject_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mother.code} {self.subject} {self.text_version}"


class ConsentText(BaseModel):
    """A version of the consent text read to the mother (or the parent, for the infant's data).
    A consent records the `version` it was given under; a new wording is a new version."""

    subject = models.CharField(_("consent for"), max_length=10, choices=ConsentSubject.choices)
    version = models.CharField(_("version"), max_length=20)
    text_id = models.TextField(_("text (Indonesian)"))
    text_en = models.TextField(_("text (English)"))
    effective_from = models.DateField(_("in use from"))

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["subject", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "version"],
                name="consent_text_version_unique_per_subject",
                violation_error_message=_("This version of the consent text already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.version}"

    @property
    def text(self) -> str:
        return self.text_id if (get_language() or "id").startswith("id") else self.text_en
