"""A record of every workbook imported into a programme: who, when, what, and its content hash,
so the same content is never imported into the same programme twice."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel, HeartbeatJob


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

    @property
    def rows(self) -> int:
        """The rows it imported: cadres, knowledge test scores, mothers and milk volumes."""
        return self.cadres + self.knowledge_tests + self.mothers + self.milk_volumes


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    RETRY = "retry", _("Waiting to be sent again")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class SatusehatSubmission(BaseModel):
    """One FHIR resource of a programme on its way to SATUSEHAT: the outbox row that the worker
    claims, sends and records (interop/satusehat/dispatch.py; docs/fhir.md). One row per resource
    ever: a resource already queued is not queued again. `payload` holds personal data and is
    never shown in the admin."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="satusehat_submissions",
    )
    resource_type = models.CharField(_("resource type"), max_length=40)
    resource_id = models.CharField(_("resource id"), max_length=64)
    sequence = models.PositiveIntegerField(
        _("order"), help_text=_("Sent in this order, so that a referenced resource goes first.")
    )
    payload = models.JSONField(_("resource"))
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.PENDING,
    )
    queued_at = models.DateTimeField(_("queued at"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claim_token = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    server_id = models.CharField(_("SATUSEHAT id"), max_length=64, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("SATUSEHAT submission")
        verbose_name_plural = _("SATUSEHAT outbox")
        ordering = ["programme", "sequence"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "resource_type", "resource_id"],
                name="satusehat_submission_once_per_resource",
                violation_error_message=_("This resource is already in the SATUSEHAT outbox."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SubmissionStatus.values),
                name="satusehat_submission_status_is_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=SubmissionStatus.SENT) | ~models.Q(server_id=""),
                name="satusehat_submission_sent_has_server_id",
                violation_error_message=_("A sent resource has the id SATUSEHAT gave it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.resource_id}"


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being imported")
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Not imported")
    FAILED = "failed", _("Failed")


class ImportJobStep(models.TextChoices):
    """Where a running import is, shown beside its progress."""

    WAITING = "waiting", _("Waiting for a worker")
    READING = "reading", _("Reading the file")
    CHECKING = "checking", _("Checking the rows")
    WRITING = "writing", _("Saving the rows")


class ImportJob(HeartbeatJob):
    """A workbook uploaded on the import page, imported by the background worker (decision 0160).

    The uploaded files wait in private storage (`interop/upload_store.py`) until the worker has
    imported them, then are deleted (`upload_deleted_at`): they hold names and phone numbers.
    The running worker stamps `heartbeat_at` and the counts; a row whose stamp stopped lost its
    worker and is queued again once, then failed (`import_jobs_recover`)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_jobs",
        help_text=_("Empty until a new programme is created by the import."),
    )
    slug = models.SlugField(_("programme code"), max_length=60)
    new_programme_name = models.CharField(_("name of a new programme"), max_length=200, blank=True)
    new_programme_area = models.ForeignKey(
        "regions.Area",
        verbose_name=_("area of a new programme"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file_names = models.JSONField(_("file names"), default=list)
    status = HeartbeatJob.status_field(ImportJobStatus)
    step = HeartbeatJob.step_field(ImportJobStep, max_length=8)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    message = models.TextField(
        _("message"), blank=True, help_text=_("Why nothing was imported, in the uploader's words.")
    )
    issues = models.JSONField(
        _("problems"),
        default=list,
        blank=True,
        help_text=_("Every problem of the rows: sheet, row, column, code and message."),
    )
    # HeartbeatJob's `error`, with the help text the admin page shows for an import.
    error = models.TextField(_("error"), blank=True, help_text=_("For the administrator."))
    record = models.OneToOneField(
        ProgrammeImport,
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="job",
    )
    upload_deleted_at = models.DateTimeField(_("uploaded file deleted at"), null=True, blank=True)

    class Meta(HeartbeatJob.Meta):
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImportJobStatus.values),
                name="import_job_status_is_known",
            ),
            models.CheckConstraint(
                condition=models.Q(step__in=ImportJobStep.values),
                name="import_job_step_is_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ImportJobStatus.DONE)
                | models.Q(record__isnull=False, programme__isnull=False),
                name="import_job_done_has_its_import",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug} {self.status}"

    @property
    def file_name(self) -> str:
        """As the import records it: the workbook's name, or the CSV files' names."""
        return ", ".join(sorted(self.file_names))

    @property
    def finished(self) -> bool:
        return self.status in (
            ImportJobStatus.DONE,
            ImportJobStatus.REJECTED,
            ImportJobStatus.FAILED,
        )
