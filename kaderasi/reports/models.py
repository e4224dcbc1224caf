"""Reports: the coordinator's editable parts of a programme report, background exports, and the
summary tables (rollups) the dashboards read instead of the raw care and training tables."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kaderasi.core.models import BaseModel, HeartbeatJob
from kaderasi.reports.storage import private_storage


class ProgrammeReport(BaseModel):
    """What a coordinator edits before exporting the programme report: the conclusion in each
    language. (The knowledge bands are the programme's training policy, decision 0012.)"""

    programme = models.OneToOneField(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="report",
    )
    conclusion_id = models.TextField(_("conclusion (Indonesian)"), blank=True)
    conclusion_en = models.TextField(_("conclusion (English)"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("programme report")
        verbose_name_plural = _("programme reports")

    def __str__(self) -> str:
        return str(self.programme)


class ExportFormat(models.TextChoices):
    PDF = "pdf", _("PDF document")
    XLSX = "xlsx", _("Excel workbook")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ExportStep(models.TextChoices):
    """Where a long export is, shown beside its progress bar."""

    WAITING = "waiting", _("Waiting for a worker")
    COLLECTING = "collecting", _("Collecting the programme's data")
    CHARTS = "charts", _("Drawing the charts")
    TABLES = "tables", _("Writing the tables")
    LAYOUT = "layout", _("Laying out the pages")
    SAVING = "saving", _("Saving the file")
    FINISHED = "finished", _("Finished")


class ReportExport(HeartbeatJob):
    """One requested export of a programme report. A worker fills it in, reporting `progress`;
    the finished file lives in private storage and is served only to its requester."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="report_exports",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="report_exports",
    )
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    pseudonymised = models.BooleanField(_("codes instead of names"), default=True)
    status = HeartbeatJob.status_field(ExportStatus)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = HeartbeatJob.step_field(ExportStep, max_length=12)
    file = models.FileField(_("file"), storage=private_storage, upload_to="report-exports/")

    class Meta(HeartbeatJob.Meta):
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_export_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=~Q(status=ExportStatus.DONE) | ~Q(file=""),
                name="report_export_done_has_file",
            ),
            models.CheckConstraint(
                condition=Q(format__in=ExportFormat.values), name="report_export_format_is_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ExportStatus.values), name="report_export_status_is_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.slug} {self.format} {self.status}"


class AreaColumns(models.Model):
    """The area of a rollup row, denormalised: the posyandu's path for scoping by prefix, and
    each ancestor for grouping dashboards by village, district or regency without joins."""

    posyandu = models.ForeignKey(
        "regions.Area", verbose_name=_("posyandu"), on_delete=models.CASCADE, related_name="+"
    )
    village = models.ForeignKey(
        "regions.Area",
        verbose_name=_("village"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    district = models.ForeignKey(
        "regions.Area",
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    regency = models.ForeignKey(
        "regions.Area",
        verbose_name=_("regency"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    province = models.ForeignKey(
        "regions.Area",
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    area_path = models.CharField(_("area path"), max_length=255, db_index=True)

    class Meta:
        abstract = True


class MotherRollup(BaseModel, AreaColumns):
    """One row per mother: what every dashboard number about mothers is counted from. Values that
    change with the clock alone (stage, referral age) are stored as times and compared at read
    time; `next_change_at` says when a stored count next changes (a session window opens).
    On PostgreSQL the village, district, regency and province it copies from its posyandu are
    kept by statement triggers instead of foreign keys (`copied_keys.py`, decision 0305)."""

    mother = models.OneToOneField(
        "care.Mother", verbose_name=_("mother"), on_delete=models.CASCADE, related_name="rollup"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    group = models.CharField(_("study group"), max_length=16)
    registered_on = models.DateField(_("registered on"))
    has_pregnancy = models.BooleanField(_("pregnancy recorded"), default=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    cadre = models.ForeignKey(
        "cadres.Cadre",
        verbose_name=_("cadre"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    has_open_pairing = models.BooleanField(_("paired now"), default=False)
    certification_overrides = models.PositiveSmallIntegerField(
        _("pairings with an uncertified cadre"),
        default=0,
        help_text=_("Pairings a coordinator made with a cadre without a valid certificate."),
    )
    accompanied = models.BooleanField(
        _("accompanied"),
        default=False,
        help_text=_("Paired now, or her accompaniment was completed."),
    )
    sessions_due = models.PositiveIntegerField(_("sessions due"), default=0)
    sessions_done = models.PositiveIntegerField(_("sessions done"), default=0)
    sessions_missed = models.PositiveIntegerField(_("sessions missed"), default=0)
    first_window_on = models.DateField(_("first session day"), null=True, blank=True)
    last_window_on = models.DateField(_("last session day"), null=True, blank=True)
    baseline_ml = models.DecimalField(
        _("baseline volume (ml)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    follow_up_ml = models.DecimalField(
        _("follow-up volume (ml)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    latest_24h_ml = models.DecimalField(
        _("latest 24-hour volume (ml)"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    latest_24h_day = models.PositiveSmallIntegerField(
        _("postpartum day of the latest 24-hour volume"), null=True, blank=True
    )
    milk_volumes = models.PositiveIntegerField(_("milk volumes recorded"), default=0)
    milk_volumes_24h = models.PositiveIntegerField(_("24-hour milk volumes recorded"), default=0)
    open_red_referrals = models.PositiveSmallIntegerField(_("open red referrals"), default=0)
    open_amber_referrals = models.PositiveSmallIntegerField(_("open amber referrals"), default=0)
    oldest_open_referral_at = models.DateTimeField(
        _("oldest open referral opened at"), null=True, blank=True
    )
    next_change_at = models.DateTimeField(_("next change at"), null=True, blank=True)
    counted_days = models.JSONField(
        _("days she counts on"),
        default=list,
        help_text=_(
            "The local days of her posyandu's day rows she counts in: a refresh recomputes these "
            "days (and her new ones) only."
        ),
    )
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("mother rollup")
        verbose_name_plural = _("mother rollups")
        indexes = [
            models.Index(fields=["programme", "area_path"]),
            models.Index(fields=["next_change_at"]),
            # The mothers in their puerperium (delivered in the last 42 days): what the
            # dashboards count per mother, read from the index alone on PostgreSQL.
            models.Index(
                fields=["delivered_at"],
                include=[
                    "area_path",
                    "programme",
                    "accompanied",
                    "sessions_missed",
                    "milk_volumes",
                    "latest_24h_day",
                    "latest_24h_ml",
                    "village",
                    "district",
                    "regency",
                    "province",
                ],
                name="mother_rollup_delivered_at",
            ),
        ]

    def __str__(self) -> str:
        return f"rollup of mother {self.mother_id}"


class CadreRollup(BaseModel, AreaColumns):
    """One row per cadre: trained, certified (the validity window of her current certificate) and
    how many mothers she accompanies now."""

    cadre = models.OneToOneField(
        "cadres.Cadre", verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="rollup"
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    trained_on = models.DateField(_("first post-test on"), null=True, blank=True)
    certified_from = models.DateField(_("certified from"), null=True, blank=True)
    certified_until = models.DateField(_("certified until (exclusive)"), null=True, blank=True)
    refresher_due_on = models.DateField(_("refresher due on"), null=True, blank=True)
    active_clients = models.PositiveSmallIntegerField(_("mothers accompanied now"), default=0)
    next_change_at = models.DateTimeField(_("next change at"), null=True, blank=True)
    counted_days = models.JSONField(
        _("days she counts on"),
        default=list,
        help_text=_(
            "The local days of her posyandu's day rows she counts in: a refresh recomputes these "
            "days (and her new ones) only."
        ),
    )
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("cadre rollup")
        verbose_name_plural = _("cadre rollups")
        indexes = [models.Index(fields=["programme", "area_path"])]

    def __str__(self) -> str:
        return f"rollup of cadre {self.cadre_id}"


class KnowledgeRollup(BaseModel, AreaColumns):
    """Knowledge scores of one training, summed per posyandu over the cadres who took both the
    pre-test and the post-test."""

    training = models.ForeignKey(
        "training.Training",
        verbose_name=_("training"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    training_on = models.DateField(_("training day"))
    pairs = models.PositiveIntegerField(_("cadres with both tests"), default=0)
    pre_sum = models.DecimalField(_("sum of pre-test scores"), max_digits=10, decimal_places=2)
    post_sum = models.DecimalField(_("sum of post-test scores"), max_digits=10, decimal_places=2)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("knowledge rollup")
        verbose_name_plural = _("knowledge rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "programme", "posyandu"],
                name="knowledge_rollup_one_per_posyandu",
            ),
        ]

    def __str__(self) -> str:
        return f"knowledge rollup {self.training_id}/{self.posyandu_id}"


# The flows of a posyandu's day that a dashboard sums over its period: the covering index below
# holds them, and the dashboards read exactly these (one list, so the two cannot drift).
DAY_FLOWS = (
    "mothers_registered",
    "deliveries",
    "sessions_due",
    "sessions_done",
    "sessions_missed",
    "massages_recorded",
    "referrals_opened_red",
    "referrals_opened_amber",
    "cadres_trained",
    "certificates_issued",
)


class MothersDayFlows(models.Model):
    """The flows of a day that count mothers' records: kept per mother (`MotherDayRollup`) and
    summed per posyandu (`PosyanduDayRollup`); their names are `MOTHER_DAY_FLOWS`."""

    mothers_registered = models.PositiveIntegerField(_("mothers registered"), default=0)
    deliveries = models.PositiveIntegerField(_("deliveries"), default=0)
    sessions_done = models.PositiveIntegerField(_("sessions done"), default=0)
    sessions_missed = models.PositiveIntegerField(_("sessions missed"), default=0)
    massages_recorded = models.PositiveIntegerField(_("massages recorded"), default=0)
    milk_volumes_recorded = models.PositiveIntegerField(_("milk volumes recorded"), default=0)
    referrals_opened_red = models.PositiveIntegerField(_("red referrals opened"), default=0)
    referrals_opened_amber = models.PositiveIntegerField(_("amber referrals opened"), default=0)
    referrals_open_red = models.PositiveIntegerField(
        _("red referrals opened this day and still open"), default=0
    )
    referrals_open_amber = models.PositiveIntegerField(
        _("amber referrals opened this day and still open"), default=0
    )

    class Meta:
        abstract = True


# A mother's part of a day row: every flow of `PosyanduDayRollup` that counts her records (the
# cadres' flows and `sessions_due`, done + missed, are not kept per mother).
MOTHER_DAY_FLOWS = tuple(field.name for field in MothersDayFlows._meta.local_fields)


class MotherDayRollup(MothersDayFlows):
    """What one mother adds to her posyandu's day row on one local day (decision 0220). The
    mothers' flows of a day row are the sum of these rows, so refreshing one mother rewrites
    her rows and re-adds only the few rows of her posyandu-days, without reading anyone else's
    records. Written by the database (`reports/mother_day_rollup_sql.py`); a row has at least
    one flow above zero. On PostgreSQL the programme and posyandu it copies from her are kept by
    statement triggers instead of foreign keys (`copied_keys.py`, decision 0305)."""

    mother = models.ForeignKey(
        "care.Mother",
        verbose_name=_("mother"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (mother, day) index serves her rows
    )
    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the (programme, posyandu, day) index serves a pair's rows
    )
    posyandu = models.ForeignKey(
        "regions.Area",
        verbose_name=_("posyandu"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("mother's day rollup")
        verbose_name_plural = _("mothers' day rollups")
        constraints = [
            models.UniqueConstraint(fields=["mother", "day"], name="mother_day_rollup_unique"),
        ]
        indexes = [
            models.Index(
                fields=["programme", "posyandu", "day"], name="mother_day_rollup_pair_day"
            ),
        ]

    def __str__(self) -> str:
        return f"mother {self.mother_id} on {self.day}"


class PosyanduDayRollup(BaseModel, AreaColumns, MothersDayFlows):
    """What happened at one posyandu, for one programme, on one (local) day: the flows the trends
    and period numbers are summed from. Sessions count on the day their window opens."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    sessions_due = models.PositiveIntegerField(_("sessions due"), default=0)
    cadres_trained = models.PositiveIntegerField(_("cadres post-tested"), default=0)
    certificates_issued = models.PositiveIntegerField(_("certificates issued"), default=0)
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        verbose_name = _("posyandu day rollup")
        verbose_name_plural = _("posyandu day rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "posyandu", "day"], name="posyandu_day_rollup_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["area_path", "day"]),
            models.Index(fields=["programme", "day"]),
            # A dashboard's period: its flows summed from the index alone on PostgreSQL.
            models.Index(
                fields=["day"],
                include=[
                    "area_path",
                    "programme",
                    *DAY_FLOWS,
                    "village",
                    "district",
                    "regency",
                    "province",
                ],
                name="posyandu_day_rollup_period",
            ),
            # The referrals still open, whatever day they were opened (the dashboards' ages).
            models.Index(
                fields=["day"],
                include=[
                    "area_path",
                    "programme",
                    "referrals_open_red",
                    "referrals_open_amber",
                    "village",
                    "district",
                    "regency",
                    "province",
                ],
                condition=Q(referrals_open_red__gt=0) | Q(referrals_open_amber__gt=0),
                name="posyandu_day_rollup_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.posyandu_id} {self.day}"


class RollupState(BaseModel):
    """The watermark of the periodic refresh: every change saved before `refreshed_through` (the
    database's time) is in the rollups; `last_run_at` is the clock time of the last run, shown on
    the dashboards. One row, claimed by a conditional update so two overlapping runs do not both
    work."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    refreshed_through = models.DateTimeField(_("refreshed through"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("last refreshed at"), null=True, blank=True)
    last_rebuild_at = models.DateTimeField(_("last full rebuild at"), null=True, blank=True)
    run_started_at = models.DateTimeField(_("run started at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self) -> str:
        return self.name


class PosyanduMotherCounts(AreaColumns):
    """The counts of `MotherRollup` rows of one programme at one posyandu that do not change with
    the clock, kept by the database itself: triggers on `MotherRollup` add every inserted row
    and subtract every deleted one (migration 0006, decision 0190), whatever writes the rows (a
    refresh, a rebuild, COPY). The dashboards add these up instead of counting a row per mother.
    An area moved to another path gets a row of its own; rows of no mother are left at zero."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    mothers = models.IntegerField(_("mothers"), default=0)
    pregnant = models.IntegerField(_("pregnant, not yet delivered"), default=0)
    without_pregnancy = models.IntegerField(_("no pregnancy recorded"), default=0)
    delivered = models.IntegerField(_("delivered"), default=0)
    with_open_referral = models.IntegerField(_("with an open referral"), default=0)
    certification_overrides = models.IntegerField(
        _("pairings with an uncertified cadre"), default=0
    )

    class Meta:
        verbose_name = _("mother counts of a posyandu")
        verbose_name_plural = _("mother counts of posyandus")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "posyandu", "area_path"],
                name="posyandu_mother_counts_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"mothers of {self.posyandu_id} in {self.programme_id}"


class AreaDayFlows(models.Model):
    """The day flows (`DAY_FLOWS`) of one programme in one area on one day: the sums of its
    posyandus' `PosyanduDayRollup` rows, kept by the database itself (triggers on the day rows,
    `reports/district_days.py`). `area_path` is the posyandus' path cut after the summary's depth
    (the district's or the village's path in a full tree), so the dashboards' scope by path prefix
    holds for any area at that level or above; they read these rows instead of the day rows when
    the scope, the area chosen and the table are all at that level or above. Rows of no day left
    are zero."""

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(_("day"))
    area_path = models.CharField(_("area path"), max_length=255)
    province = models.ForeignKey(
        "regions.Area",
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    regency = models.ForeignKey(
        "regions.Area",
        verbose_name=_("regency"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    district = models.ForeignKey(
        "regions.Area",
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    mothers_registered = models.IntegerField(_("mothers registered"), default=0)
    deliveries = models.IntegerField(_("deliveries"), default=0)
    sessions_due = models.IntegerField(_("sessions due"), default=0)
    sessions_done = models.IntegerField(_("sessions done"), default=0)
    sessions_missed = models.IntegerField(_("sessions missed"), default=0)
    massages_recorded = models.IntegerField(_("massages recorded"), default=0)
    referrals_opened_red = models.IntegerField(_("red referrals opened"), default=0)
    referrals_opened_amber = models.IntegerField(_("amber referrals opened"), default=0)
    cadres_trained = models.IntegerField(_("cadres post-tested"), default=0)
    certificates_issued = models.IntegerField(_("certificates issued"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.area_path} {self.day}"


def _day_flows_keys(level: str, areas: list[str]) -> tuple[list, list]:
    """A day flows summary's constraints and indexes: one row per programme, cut path and day;
    a dashboard's period summed from the index alone on PostgreSQL."""
    return [
        models.UniqueConstraint(
            fields=["programme", "area_path", "day"], name=f"{level}_day_flows_unique"
        ),
    ], [
        models.Index(
            fields=["day"],
            include=["area_path", "programme", *DAY_FLOWS, *areas],
            name=f"{level}_day_flows_period",
        ),
    ]


class DistrictDayFlows(AreaDayFlows):
    """The day flows of one programme in one district on one day (migration 0008, decision
    0226): the path cut after its third id."""

    class Meta:
        verbose_name = _("day flows of a district")
        verbose_name_plural = _("day flows of districts")
        constraints, indexes = _day_flows_keys("district", ["district", "regency", "province"])


class VillageDayFlows(AreaDayFlows):
    """The day flows of one programme in one village on one day (migration 0009, decision
    0300): the path cut after its fourth id. Serves the tables by village (a coordinator's)."""

    village = models.ForeignKey(
        "regions.Area",
        verbose_name=_("village"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("day flows of a village")
        verbose_name_plural = _("day flows of villages")
        constraints, indexes = _day_flows_keys(
            "village", ["village", "district", "regency", "province"]
        )
