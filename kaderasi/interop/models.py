"""A record of every workbook imported into a programme: who, when, what, and its content hash,
so the same content is never imported into the same programme twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel


class ImportSource(models.TextChoices):
    CONSOLE = "console", _("Console (kaderasi import-programme)")
    WEB = "web", _("Web page")


class ProgrammeImport(BaseModel):
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="imports",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    content_sha256 = models.CharField(
        _("content hash (SHA-256)"),
        max_length=64,
        help_text=_("Of the sheets' content, not the file's bytes: a re-saved copy is the same."),
    )
    source = models.CharField(_("imported through"), max_length=16, choices=ImportSource.choices)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"))
    created_programme = models.BooleanField(_("created the programme"), default=False)
    training = models.ForeignKey(
        "training.Training",
        verbose_name=_("training of the imported test scores"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cadres = models.PositiveIntegerField(_("cadres"), default=0)
    knowledge_tests = models.PositiveIntegerField(_("knowledge test scores"), default=0)
    mothers = models.PositiveIntegerField(_("mothers"), default=0)
    milk_volumes = models.PositiveIntegerField(_("milk volumes"), default=0)
    warnings = models.JSONField(
        _("warnings"),
        default=list,
        blank=True,
        help_text=_(
            "Rows imported as they were but worth a look, such as a volume outside the "
            "protocol's measurement days: sheet, row, column, code and message."
        ),
    )

    class Meta:
        verbose_name = _("programme import")
        verbose_name_plural = _("programme imports")
        ordering = ["-imported_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "content_sha256"],
                name="programme_import_content_once",
                violation_error_message=_("This content was already imported into the programme."),
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=ImportSource.values),
                name="programme_import_source_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} → {self.programme.slug}"
