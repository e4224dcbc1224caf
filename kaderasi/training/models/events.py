"""Training events: when and where, who trained, who was invited and came, what was used."""

from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel


class TestPhase(models.TextChoices):
    PRE = "pre", _("Pre-test")
    POST = "post", _("Post-test")


def training_video_path(training: "Training", filename: str) -> str:
    # The public id keeps uploaded names from colliding and from revealing other trainings.
    return f"training/videos/{training.public_id}/video{PurePath(filename).suffix.lower()}"


class Training(BaseModel):
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trainers"),
        blank=True,
        related_name="trainings_led",
    )
    guest_trainers = models.CharField(
        _("other trainers"),
        max_length=300,
        blank=True,
        help_text=_("Trainers without a kaderasi login, e.g. a certified massage therapist."),
    )
    questionnaire = models.ForeignKey(
        "training.Questionnaire",
        verbose_name=_("knowledge test"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
    )
    skill_checklist = models.ForeignKey(
        "training.SkillChecklist",
        verbose_name=_("skill checklist"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
    )
    booklet = models.ForeignKey(
        "training.Booklet",
        verbose_name=_("booklet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
    )
    video_file = models.FileField(
        _("video file"), upload_to=training_video_path, blank=True, max_length=200
    )
    video_url = models.URLField(_("video link"), blank=True)
    open_test = models.CharField(
        _("test open on phones"),
        max_length=4,
        choices=TestPhase.choices,
        blank=True,
        help_text=_("Invited cadres can take this test on their phones while it is open."),
    )
    notes = models.TextField(_("notes and other materials"), blank=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="training_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(open_test="") | Q(open_test__in=TestPhase.values),
                name="training_open_test_is_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.TextChoices):
    INVITED = "invited", _("Invited")
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")


class Participant(BaseModel):
    """A cadre invited to a training, and whether she came."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="participants"
    )
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.CASCADE,
        related_name="training_participations",
    )
    attendance = models.CharField(
        _("attendance"), max_length=8, choices=Attendance.choices, default=Attendance.INVITED
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["training", "cadre__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "cadre"],
                name="participant_once_per_training",
                violation_error_message=_("This cadre is already invited to this training."),
            ),
            models.CheckConstraint(
                condition=Q(attendance__in=Attendance.values),
                name="participant_attendance_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.get_attendance_display()}"
