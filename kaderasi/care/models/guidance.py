"""What the cadre is guided through: the massage SOP steps, as content with their source."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel


class Illustration(models.TextChoices):
    """The self-hosted drawings under static/care/img/ a step can show."""

    WASH_HANDS = "wash_hands", _("Washing hands")
    PREPARE = "prepare", _("Equipment laid out")
    POSITION = "position", _("Mother leaning forward on a table")
    OIL = "oil", _("Oil on the palms")
    START_POINT = "start_point", _("Start point beside the spine at the neck")
    FISTS = "fists", _("Two fists, thumbs forward, small circles")
    MOVE_DOWN = "move_down", _("Moving down to the shoulder blades")
    CLEAN = "clean", _("Cleaning the back")
    FEED = "feed", _("Breastfeeding after the massage")


class MassageStep(BaseModel):
    """One step of the oxytocin-massage SOP as shown in the guided session. `number` is what a
    massage session records in `steps_done`, so a number keeps its meaning once used."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title_id = models.CharField(_("title (Indonesian)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120)
    instruction_id = models.TextField(_("instruction (Indonesian)"))
    instruction_en = models.TextField(_("instruction (English)"))
    illustration = models.CharField(_("illustration"), max_length=20, choices=Illustration.choices)
    timed = models.BooleanField(
        _("part of the timed massage"),
        default=False,
        help_text=_(
            "The session's timer runs from the first timed step to the end of the last one: "
            "the protocol's 10-15 minutes are the massage itself, not the preparation."
        ),
    )
    source = models.TextField(_("source"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("massage step")
        verbose_name_plural = _("massage steps")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="massage_step_number_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title_en}"

    @property
    def title(self) -> str:
        return self.title_id if _indonesian() else self.title_en

    @property
    def instruction(self) -> str:
        return self.instruction_id if _indonesian() else self.instruction_en


def _indonesian() -> bool:
    return (get_language() or "id").startswith("id")
