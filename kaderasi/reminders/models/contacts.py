"""Who else receives reminders (the family member who massages), and each recipient's language
and opt-out."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel
from kaderasi.core.phones import PhoneNumberField, phone_hash_field
from kaderasi.reminders.models.choices import Language


class Relationship(models.TextChoices):
    HUSBAND = "husband", _("Husband")
    PARENT = "parent", _("Her mother or father")
    PARENT_IN_LAW = "parent_in_law", _("Her mother- or father-in-law")
    SIBLING = "sibling", _("Sister or brother")
    OTHER = "other", _("Other family member")


class FamilyMember(BaseModel):
    """A family member the cadre taught to massage the mother. While active, the session
    reminders for the household go to her or him instead of the mother."""

    mother = models.ForeignKey(
        "care.Mother",
        verbose_name=_("mother"),
        on_delete=models.CASCADE,
        related_name="family_members",
    )
    name = models.CharField(_("name"), max_length=120)
    relationship = models.CharField(_("relationship"), max_length=16, choices=Relationship.choices)
    phone = PhoneNumberField(_("phone number"), blank=True)
    phone_hash = phone_hash_field()
    language = models.CharField(
        _("language of messages"),
        max_length=8,
        choices=Language.choices,
        default=Language.INDONESIAN,
    )
    ended_at = models.DateTimeField(
        _("stopped massaging at"),
        null=True,
        blank=True,
        help_text=_("Set when this person no longer massages; reminders stop going to them."),
    )

    class Meta:
        verbose_name = _("family member who massages")
        verbose_name_plural = _("family members who massage")
        ordering = ["mother", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(relationship__in=Relationship.values),
                name="family_member_relationship_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mother.code}: {self.get_relationship_display()}"


class OptOutSource(models.TextChoices):
    REPLY = "reply", _("The recipient replied STOP")
    STAFF = "staff", _("Marked by a cadre, midwife or coordinator")


class RecipientPreference(BaseModel):
    """The language and opt-out of one recipient: a mother, a family member, a cadre or a user.
    Exactly one of them is set. No row means: default language, not opted out."""

    mother = models.OneToOneField(
        "care.Mother",
        verbose_name=_("mother"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_preference",
    )
    family_member = models.OneToOneField(
        FamilyMember,
        verbose_name=_("family member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="preference",
    )
    cadre = models.OneToOneField(
        "cadres.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_preference",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_preference",
    )
    language = models.CharField(
        _("language of messages"), max_length=8, choices=Language.choices, blank=True
    )
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)
    opt_out_source = models.CharField(
        _("opt-out recorded from"), max_length=8, choices=OptOutSource.choices, blank=True
    )
    opt_out_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opt-out recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    opt_out_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("recipient preference")
        verbose_name_plural = _("recipient preferences")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(mother__isnull=False)
                    & Q(family_member__isnull=True)
                    & Q(cadre__isnull=True)
                    & Q(user__isnull=True)
                )
                | (
                    Q(mother__isnull=True)
                    & Q(family_member__isnull=False)
                    & Q(cadre__isnull=True)
                    & Q(user__isnull=True)
                )
                | (
                    Q(mother__isnull=True)
                    & Q(family_member__isnull=True)
                    & Q(cadre__isnull=False)
                    & Q(user__isnull=True)
                )
                | (
                    Q(mother__isnull=True)
                    & Q(family_member__isnull=True)
                    & Q(cadre__isnull=True)
                    & Q(user__isnull=False)
                ),
                name="recipient_preference_exactly_one_recipient",
            ),
            models.CheckConstraint(
                condition=(Q(opted_out_at__isnull=True) & Q(opt_out_source=""))
                | (Q(opted_out_at__isnull=False) & ~Q(opt_out_source="")),
                name="recipient_preference_opt_out_has_source",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Opted out")) if self.opted_out_at else str(_("Receives reminders"))

    @property
    def is_opted_out(self) -> bool:
        return self.opted_out_at is not None
