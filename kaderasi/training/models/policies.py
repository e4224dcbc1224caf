"""A programme's training policy: pass marks and certificate rules, as data with their source."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel

DEFAULT_POLICY_SOURCE = (
    "Knowledge bands baik >= 76, cukup 56-75, kurang < 56: the Arikunto-style convention of "
    "Indonesian cadre-knowledge studies (domain reference section 2, marked 'verify'). Post-test "
    "pass mark 76 (the lower bound of 'baik') and a certificate valid 24 months: proposals of "
    "kaderasi issue 3. Must-pass safety items (the danger-sign and when-to-refer items): issue "
    "19, a midwifery review found the pass mark alone certified a cadre who got all four wrong. "
    "Skill pass rule (every critical step and at least 80 % of all steps): "
    "domain reference section 1.2 [S]; the paper (Sari & Agustina 2018) had every cadre "
    "re-demonstrate twice. Refresher three months before expiry: kaderasi proposal. To be "
    "confirmed by the programme owner."
)


class SkillPassBasis(models.TextChoices):
    FINAL_ATTEMPT = "final_attempt", _("The final re-demonstration must pass")
    EVERY_ATTEMPT = "every_attempt", _("Every required re-demonstration must pass")


class TrainingPolicy(BaseModel):
    """How a programme scores and certifies its cadres. A programme without a stored policy uses
    these defaults (see `training_policy_for`)."""

    programme = models.OneToOneField(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="training_policy",
    )
    good_band_minimum = models.PositiveSmallIntegerField(
        _("lowest score banded 'good' (baik)"), default=76
    )
    fair_band_minimum = models.PositiveSmallIntegerField(
        _("lowest score banded 'fair' (cukup)"),
        default=56,
        help_text=_("Scores below this are banded 'poor' (kurang)."),
    )
    post_test_pass_score = models.PositiveSmallIntegerField(
        _("post-test pass mark"),
        default=76,
        help_text=_("The lowest post-test score (0–100) that counts towards a certificate."),
    )
    skill_minimum_percent = models.PositiveSmallIntegerField(
        _("skill: minimum % of steps done"), default=80
    )
    skill_all_critical_required = models.BooleanField(
        _("skill: every critical step must be done"), default=True
    )
    skill_pass_basis = models.CharField(
        _("skill: which re-demonstrations count"),
        max_length=16,
        choices=SkillPassBasis.choices,
        default=SkillPassBasis.FINAL_ATTEMPT,
        help_text=_(
            "The final re-demonstration is the last one of the re-demonstrations per cadre "
            "(the second, by default). An earlier one does not count, however good: until the "
            "final one is recorded, the cadre has not passed."
        ),
    )
    skill_attempts = models.PositiveSmallIntegerField(
        _("skill: re-demonstrations per cadre"),
        default=2,
        help_text=_("The paper had every cadre re-demonstrate the massage twice."),
    )
    must_pass_items_required = models.BooleanField(
        _("knowledge: every must-pass (safety) item must be right"),
        default=True,
        # Rows written by code that predates the column (older migrations' data steps) get it.
        db_default=True,
        help_text=_(
            "A cadre who answers a safety item of the post-test wrong (danger signs, when to "
            "refer) is not certified, whatever her total. Checked when her answers are recorded "
            "item by item; a total score alone cannot show it."
        ),
    )
    certificate_valid_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months)"), default=24
    )
    refresher_months_before_expiry = models.PositiveSmallIntegerField(
        _("refresher due (months before expiry)"), default=3
    )
    certificate_issuer = models.CharField(
        _("certificate issued by"),
        max_length=200,
        blank=True,
        help_text=_("The institution printed on certificates, e.g. Poltekkes Kemenkes Surakarta."),
    )
    certificate_signatory = models.CharField(
        _("certificate signed by"),
        max_length=200,
        blank=True,
        help_text=_("Name and title printed under the signature line."),
    )
    source = models.TextField(_("source of these rules"), default=DEFAULT_POLICY_SOURCE)

    class Meta:
        verbose_name = _("training policy")
        verbose_name_plural = _("training policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(fair_band_minimum__lt=F("good_band_minimum"))
                & Q(good_band_minimum__lte=100),
                name="training_policy_bands_ordered",
                violation_error_message=_(
                    "The 'fair' band must start below the 'good' band, and 'good' at 100 or less."
                ),
            ),
            models.CheckConstraint(
                condition=Q(post_test_pass_score__lte=100),
                name="training_policy_pass_score_0_to_100",
                violation_error_message=_("The post-test pass mark must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(skill_minimum_percent__lte=100),
                name="training_policy_skill_percent_0_to_100",
                violation_error_message=_("The skill minimum must be between 0 and 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(skill_attempts__gte=1) & Q(skill_attempts__lte=5),
                name="training_policy_skill_attempts_1_to_5",
                violation_error_message=_("A cadre re-demonstrates between 1 and 5 times."),
            ),
            models.CheckConstraint(
                condition=Q(certificate_valid_months__gte=1)
                & Q(certificate_valid_months__lte=120)
                & Q(refresher_months_before_expiry__lt=F("certificate_valid_months")),
                name="training_policy_validity_ordered",
                violation_error_message=_(
                    "A certificate is valid 1–120 months, and the refresher falls inside that time."
                ),
            ),
            models.CheckConstraint(
                condition=Q(skill_pass_basis__in=SkillPassBasis.values),
                name="training_policy_skill_basis_is_known",
            ),
        ]

    def __str__(self) -> str:
        return str(self.programme)
