"""Importing a programme workbook: all or nothing, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.accounts.selectors import scope_areas_of, sees_everything
from kaderasi.cadres.models import Cadre
from kaderasi.care import services as care
from kaderasi.care.models import (
    Delivery,
    MeasurementKind,
    Mother,
    Pregnancy,
)
from kaderasi.care.services.schedule import protocol_ends_at
from kaderasi.core.bulk_audit import bulk_audit_write
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.models import ImportSource, ProgrammeImport
from kaderasi.interop.placement import NOON, moment
from kaderasi.interop.plan import (
    CadrePlan,
    ImportIssue,
    ImportPlan,
    ImportRejected,
    MotherPlan,
    ScorePlan,
    VolumePlan,
    issue_as_json,
    key_of,
)
from kaderasi.interop.validation import (
    PlanChunk,
    WorkbookCheck,
    validate_new_slug,
    workbook_check,
)
from kaderasi.interop.workbook import (
    CADRES,
    KNOWLEDGE_TESTS,
    MILK_VOLUMES,
    MOTHERS,
    RawWorkbook,
)
from kaderasi.programmes.models import Programme, StudyDesign
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.regions.models import Area
from kaderasi.regions.selectors import areas_under
from kaderasi.training.models import TestAttempt, Training

Progress = Callable[[int, int], None]
# Rows per INSERT of the bulk writes (SQLite allows 32,766 parameters a statement).
BATCH = 500
# Rows of a sheet checked, then written, at a time: what the import holds of the rows (0195).
CHUNK_ROWS = 500

# Where a refusal of a care service lands in the workbook.
FIELD_COLUMNS = {
    MOTHERS: {"delivered_at": "delivery_date", "cadre": "cadre_code", "mother": "code"},
    MILK_VOLUMES: {"value": "volume_ml", "measured_at": "measured_on", "method": "method"},
}


@dataclass(frozen=True)
class PreparedImport:
    """An import whose file as a whole is accepted (who imports, where, not already imported,
    the sheets' structure), ready to check and write its rows: what `programme_import_prepare`
    found."""

    check: WorkbookCheck
    slug: str
    programme: Programme | None
    content_hash: str
    file_name: str


def programme_import(
    *,
    workbook: RawWorkbook,
    slug: str,
    by: User,
    now: dt.datetime,
    name: str = "",
    area: Area | None = None,
    source: str = ImportSource.CONSOLE,
    progress: Progress | None = None,
    checked: Progress | None = None,
) -> ProgrammeImport:
    """Import `workbook` into the programme `slug`, creating it (in `area`, named `name`) when it
    does not exist yet. Either everything is saved, or nothing. `checked(done, total)` hears of
    the rows checked, `progress(done, total)` of the rows written.

    Raises DomainError when the import as a whole is refused (`by` may not import, cannot see the
    programme or area, the same content was already imported into the programme) and
    ImportRejected, listing every problem of the rows, when any row breaks a rule.
    """
    prepared = programme_import_prepare(
        workbook=workbook, slug=slug, by=by, now=now, name=name, area=area, checked=checked
    )
    return programme_import_write(prepared, by=by, now=now, source=source, progress=progress)


def programme_import_prepare(
    *,
    workbook: RawWorkbook,
    slug: str,
    by: User,
    now: dt.datetime,
    name: str = "",
    area: Area | None = None,
    checked: Progress | None = None,
) -> PreparedImport:
    """The first half of `programme_import`: the checks of the file as a whole (who imports,
    where, whether this content was imported already, the sheets and the programme sheet),
    nothing written. The rows are checked as they are written, a chunk at a time, by
    `programme_import_write`."""
    slug = slug.strip()
    programme = programme_import_target(slug=slug, by=by, area=area)
    content_hash = workbook.content_hash()
    if programme is not None and (
        ProgrammeImport.objects.filter(programme=programme, content_sha256=content_hash).exists()
    ):
        raise _already_imported(programme, content_hash)
    check = workbook_check(
        workbook, programme=programme, slug=slug, name=name, area=area, now=now, checked=checked
    )
    if programme is None and check.plan.programme.area is not None:
        _check_area_in_scope(check.plan.programme.area, by=by)
    return PreparedImport(
        check=check,
        slug=slug,
        programme=programme,
        content_hash=content_hash,
        file_name=workbook.source_name,
    )


def programme_import_write(
    prepared: PreparedImport,
    *,
    by: User,
    now: dt.datetime,
    source: str = ImportSource.CONSOLE,
    progress: Progress | None = None,
) -> ProgrammeImport:
    """The second half of `programme_import`, in one transaction: check the rows a chunk at a
    time (`CHUNK_ROWS` rows of a sheet), writing each chunk once it is checked, so that the rows
    are never all in memory (decision 0195). A problem anywhere stops the writing, the rest is
    still checked, and ImportRejected lists every problem: everything written is rolled back."""
    check, programme, content_hash = prepared.check, prepared.programme, prepared.content_hash
    plan = check.plan
    try:
        with transaction.atomic():
            writer = _Writer(
                plan,
                by=by,
                now=now,
                file_name=prepared.file_name,
                progress=progress,
                total=check.workbook.row_count,
            )
            created = programme is None
            if check.issues:
                # Nothing will be written (a problem of the sheets or the programme sheet);
                # the rows are still checked, to list every problem.
                for _chunk in check.chunks(CHUNK_ROWS):
                    pass
            else:
                programme = writer.create_programme(prepared.slug) if created else programme
                writer.programme = programme
                for chunk in check.chunks(CHUNK_ROWS):
                    writer.write(chunk)
            check.finish()
            writer.finish()
            if writer.issues:
                raise ImportRejected(writer.issues)
            counts = plan.counts
            return ProgrammeImport.objects.create(
                programme=programme,
                file_name=prepared.file_name[:255],
                content_sha256=content_hash,
                source=source,
                imported_by=by,
                imported_at=now,
                created_programme=created,
                training=writer.training,
                cadres=counts.get(CADRES, 0),
                knowledge_tests=counts.get(KNOWLEDGE_TESTS, 0),
                mothers=counts.get(MOTHERS, 0),
                milk_volumes=counts.get(MILK_VOLUMES, 0),
                warnings=[issue_as_json(issue) for issue in plan.warnings],
            )
    except IntegrityError as error:
        # Two identical imports at the same moment: the second loses the race on the unique
        # content hash (everything it wrote is rolled back).
        if (
            programme is not None
            and ProgrammeImport.objects.filter(
                programme=programme, content_sha256=content_hash
            ).exists()
        ):
            raise _already_imported(programme) from error
        raise


def programme_import_target(*, slug: str, by: User, area: Area | None) -> Programme | None:
    """The checks of an import that need no file (the web page makes them before it queues one):
    `by` may import, may see the programme `slug` or, for a new one, the code is valid and
    `area` is hers. Returns the programme, None for a new one; raises DomainError otherwise."""
    if not can(by, Permission.IMPORT_PROGRAMME):
        raise DomainError(
            InteropErrorCode.NOT_ALLOWED, _("Only a coordinator or an administrator may import.")
        )
    slug = slug.strip()
    programme = Programme.objects.filter(slug=slug).select_related("area").first()
    if programme is None:
        validate_new_slug(slug)
        if area is not None:
            _check_area_in_scope(area, by=by)
        return None
    if not programmes_visible_to(by).filter(pk=programme.pk).exists():
        raise DomainError(
            InteropErrorCode.PROGRAMME_NOT_VISIBLE,
            _(
                "The code %(slug)s belongs to a programme outside your area; choose another "
                "code for a new programme."
            )
            % {"slug": programme.slug},
            field="slug",
        )
    return programme


def _already_imported(programme: Programme, content_hash: str | None = None) -> DomainError:
    previous = (
        ProgrammeImport.objects.filter(programme=programme, content_sha256=content_hash)
        .select_related("imported_by")
        .first()
        if content_hash
        else None
    )
    if previous is None:
        message = _("This content was already imported into %(programme)s; nothing was changed.")
        values = {"programme": programme.slug}
    else:
        message = _(
            "This content was already imported into %(programme)s on %(date)s by %(user)s "
            "(file %(file)s); nothing was changed."
        )
        values = {
            "programme": programme.slug,
            "date": timezone.localtime(previous.imported_at).strftime("%Y-%m-%d %H:%M"),
            "user": previous.imported_by.get_full_name() or previous.imported_by.username,
            "file": previous.file_name,
        }
    return DomainError(InteropErrorCode.ALREADY_IMPORTED, message % values, field="file")


def _check_area_in_scope(area: Area, *, by: User) -> None:
    if sees_everything(by) or areas_under(scope_areas_of(by)).filter(pk=area.pk).exists():
        return
    raise DomainError(
        InteropErrorCode.AREA_OUT_OF_SCOPE,
        _("%(area)s is outside your area; a new programme must be in an area you cover.")
        % {"area": area.name},
        field="area",
    )


def _measurement_days(plan) -> dict:
    """The programme sheet's measurement days as Programme fields (only those it gives)."""
    fields: dict = {}
    if plan.baseline_days:
        fields["baseline_day_from"], fields["baseline_day_to"] = plan.baseline_days
    if plan.follow_up_days:
        fields["follow_up_day_from"], fields["follow_up_day_to"] = plan.follow_up_days
    if plan.follow_up_after_baseline is not None:
        fields["follow_up_after_baseline"] = plan.follow_up_after_baseline
    if plan.analyse_protocol_conformant_only is not None:
        fields["analyse_protocol_conformant_only"] = plan.analyse_protocol_conformant_only
    return fields


def importable_areas(user: User):
    """The areas a new programme imported by `user` may be placed in (her scope's subtrees)."""
    if sees_everything(user):
        return Area.objects.all()
    return areas_under(scope_areas_of(user))


@dataclass(frozen=True, slots=True)
class _WrittenMother:
    """What the accompaniments are made from, kept per mother written (not her row)."""

    pk: int
    row: int
    cadre_key: str | None
    delivered_at: dt.datetime | None


class _Writer:
    """Creates what the checked chunks describe; refusals of the care services become issues.
    Of the rows written it keeps only what later chunks and the accompaniments need: the ids of
    the cadres and mothers by code, each mother's cadre and delivery, the first and last time
    each mother was measured."""

    def __init__(
        self,
        plan: ImportPlan,
        *,
        by: User,
        now: dt.datetime,
        file_name: str,
        progress: Progress | None,
        total: int,
    ):
        self.plan = plan
        self.by = by
        self.now = now
        self.file_name = file_name
        self.progress = progress
        self.total = total
        self.done = 0
        self.issues: list[ImportIssue] = []
        self.training: Training | None = None
        self.zone = timezone.get_default_timezone()
        self.cadre_pks = {key: cadre.pk for key, cadre in plan.existing_cadres.items()}
        self.mothers: dict[str, _WrittenMother] = {}
        self.measured: dict[str, tuple[dt.datetime, dt.datetime]] = {}
        self.score_dates: list[dt.date] = []

    def create_programme(self, slug: str) -> Programme:
        programme_plan = self.plan.programme
        programme = Programme.objects.create(
            slug=slug,
            name=programme_plan.name,
            area=programme_plan.area,
            starts_on=programme_plan.starts_on,
            ends_on=programme_plan.ends_on,
            description=programme_plan.description,
            design=programme_plan.design
            or (
                StudyDesign.TWO_GROUP if programme_plan.has_comparison else StudyDesign.SINGLE_GROUP
            ),
            is_illustrative=programme_plan.is_illustrative,
            data_note=programme_plan.data_note,
            **_measurement_days(programme_plan),
        )
        if not sees_everything(self.by):
            programme.team.add(self.by)
        return programme

    def write(self, chunk: PlanChunk) -> None:
        writers = {
            CADRES: self._cadres,
            KNOWLEDGE_TESTS: self._scores,
            MOTHERS: self._mothers,
            MILK_VOLUMES: self._volumes,
        }
        writers[chunk.sheet](chunk.rows)

    def finish(self) -> None:
        """What needs every row written: the knowledge tests' dates, the accompaniments."""
        self._training_dates()
        self._pairings()

    def _tick(self) -> None:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, self.total)

    def _refused(self, sheet: str, row: int, error: DomainError) -> None:
        column = FIELD_COLUMNS.get(sheet, {}).get(error.field or "", error.field or "")
        self.issues.append(ImportIssue(sheet, row, column, error.code, str(error.message)))

    def _cadres(self, plans: list[CadrePlan]) -> None:
        """One INSERT and one audit entry for a chunk of new cadres (checked already)."""
        rows = [
            Cadre(
                programme=self.programme,
                code=plan.code,
                name=plan.name,
                phone=plan.phone,
                posyandu=self.plan.resolver.area_for(plan.target),
            )
            for plan in plans
        ]
        created = Cadre.objects.bulk_create(rows, batch_size=BATCH)
        bulk_audit_write(created, actor=self.by)
        for plan, cadre in zip(plans, created, strict=True):
            self.cadre_pks[key_of(plan.code)] = cadre.pk
            self._tick()

    def _scores(self, plans: list[ScorePlan]) -> None:
        self.score_dates = _first_and_last(
            [*self.score_dates, *(plan.taken_on for plan in plans if plan.taken_on)]
        )
        if self.training is None:
            with translation.override(settings.LANGUAGE_CODE):
                title = _("Knowledge tests imported from %(file)s") % {"file": self.file_name}
            first, last = self._training_days()
            self.training = Training.objects.create(
                programme=self.programme,
                title=title[:200],
                starts_at=self._at(first, dt.time(0)),
                ends_at=self._at(last + dt.timedelta(days=1), dt.time(0)),
            )
        for plan in plans:
            TestAttempt.objects.create(
                training=self.training,
                cadre_id=self.cadre_pks[plan.cadre_key],
                phase=plan.phase,
                score=plan.score,
                taken_on=plan.taken_on,
            )
            self._tick()

    def _training_days(self) -> tuple[dt.date, dt.date]:
        """The training of the imported scores spans their dates (else the programme's start)."""
        if not self.score_dates:
            return self.programme.starts_on, self.programme.starts_on
        return self.score_dates[0], self.score_dates[-1]

    def _training_dates(self) -> None:
        """A later chunk of scores may have widened the dates the training was created with."""
        if self.training is None:
            return
        first, last = self._training_days()
        starts_at = self._at(first, dt.time(0))
        ends_at = self._at(last + dt.timedelta(days=1), dt.time(0))
        if (starts_at, ends_at) != (self.training.starts_at, self.training.ends_at):
            self.training.starts_at, self.training.ends_at = starts_at, ends_at
            self.training.save(update_fields=["starts_at", "ends_at", "updated_at"])

    def _mothers(self, plans: list[MotherPlan]) -> None:
        """A chunk of mothers, their pregnancies and their past deliveries in one INSERT and one
        audit entry per table; a delivery whose protocol is still running goes through
        `delivery_record`, which plans her massage sessions."""
        rows = [
            Mother(
                programme=self.programme,
                code=plan.code,
                name=plan.name,
                posyandu=self.plan.resolver.area_for(plan.target),
                group=plan.group,
            )
            for plan in plans
        ]
        created = Mother.objects.bulk_create(rows, batch_size=BATCH)
        delivered = [
            (plan, mother)
            for plan, mother in zip(plans, created, strict=True)
            if plan.delivered_at is not None
        ]
        # The workbook has no pregnancy dates; the delivery date stands in for the estimated
        # delivery date that a pregnancy record requires.
        pregnancies = Pregnancy.objects.bulk_create(
            [
                Pregnancy(mother=mother, estimated_delivery_date=plan.delivery_date)
                for plan, mother in delivered
            ],
            batch_size=BATCH,
        )
        past: list[Delivery] = []
        for (plan, _mother), pregnancy in zip(delivered, pregnancies, strict=True):
            try:
                delivery = self._delivery(pregnancy, plan)
            except DomainError as error:
                self._refused(MOTHERS, plan.row, error)
                continue
            if delivery is not None:
                past.append(delivery)
        past = Delivery.objects.bulk_create(past, batch_size=BATCH)
        bulk_audit_write([*created, *pregnancies, *past], actor=self.by)
        for plan, mother in zip(plans, created, strict=True):
            self.mothers[key_of(plan.code)] = _WrittenMother(
                pk=mother.pk, row=plan.row, cadre_key=plan.cadre_key, delivered_at=plan.delivered_at
            )
            self._tick()

    def _delivery(self, pregnancy: Pregnancy, plan: MotherPlan) -> Delivery | None:
        """The delivery row to store in bulk for a past protocol, or None when her accompaniment
        may still be running and `delivery_record` stored it and planned her sessions."""
        if protocol_ends_at(self.programme, plan.delivered_at) > self.now:
            care.delivery_record(
                pregnancy=pregnancy,
                delivered_at=plan.delivered_at,
                now=self.now,
                delivery_type=plan.delivery_type,
                parity=plan.parity,
            )
            return None
        # History: the protocol's days were over before the import. Sessions planned for them
        # could only ever be missed (and raise missed-session flags), so none are planned.
        care.delivery_validate(pregnancy=pregnancy, delivered_at=plan.delivered_at, now=self.now)
        return Delivery(
            pregnancy=pregnancy,
            delivered_at=plan.delivered_at,
            delivery_type=plan.delivery_type,
            parity=plan.parity,
        )

    def _volumes(self, plans: list[VolumePlan]) -> None:
        """A chunk of volumes through the care app's one write path, as one batch (the same rules
        as the web form and the phone; an imported study keeps its own phases)."""
        mothers = self._mother_rows({plan.mother_key for plan in plans})
        records = []
        for plan in plans:
            measured_at = plan.measured_at or self._placeholder()
            records.append(
                care.MeasurementRecord(
                    mother=mothers[plan.mother_key],
                    kind=MeasurementKind.MILK_VOLUME,
                    measured_at=measured_at,
                    value=plan.volume_ml,
                    method=plan.method,
                    basis=plan.basis,
                    phase=plan.phase,
                )
            )
            first, last = self.measured.get(plan.mother_key, (measured_at, measured_at))
            self.measured[plan.mother_key] = (min(first, measured_at), max(last, measured_at))
        outcomes = care.care_records_write(
            records=records, by=self.by, now=self.now, historical=True
        )
        for plan, outcome in zip(plans, outcomes, strict=True):
            if outcome.error is not None:
                self._refused(MILK_VOLUMES, plan.row, outcome.error)
            self._tick()

    def _mother_rows(self, keys: set[str]) -> dict[str, Mother]:
        """The mothers of these codes: those of the programme already, those written here."""
        existing = self.plan.existing_mothers
        written = {key: self.mothers[key].pk for key in keys if key not in existing}
        rows = Mother.objects.select_related("programme").in_bulk(written.values())
        return {key: existing[key] if key in existing else rows[written[key]] for key in keys}

    def _pairings(self) -> None:
        """The accompaniments of the mothers written with a cadre, a chunk at a time."""
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Imported from %(file)s: certification not recorded in the workbook") % {
                "file": self.file_name
            }
        paired = [(key, mother) for key, mother in self.mothers.items() if mother.cadre_key]
        for start in range(0, len(paired), CHUNK_ROWS):
            self._pairings_of(paired[start : start + CHUNK_ROWS], reason)

    def _pairings_of(self, paired: list[tuple[str, _WrittenMother]], reason: str) -> None:
        window = dt.timedelta(
            days=self.programme.start_postpartum_day - 1 + self.programme.protocol_days
        )
        mothers = Mother.objects.select_related("programme").in_bulk(
            [mother.pk for _key, mother in paired]
        )
        cadres = Cadre.objects.select_related("programme").in_bulk(
            {self.cadre_pks[mother.cadre_key] for _key, mother in paired if mother.cadre_key}
        )
        completed: list[tuple[_WrittenMother, care.CompletedPairing]] = []
        for key, written in paired:
            mother = mothers[written.pk]
            cadre = cadres[self.cadre_pks[written.cadre_key or ""]]
            times = self.measured.get(key)
            starts_at = written.delivered_at or (times[0] if times else self._placeholder())
            # A historical accompaniment is over: it ends after the protocol's days and after the
            # last volume. One still running stays open.
            ends_at = starts_at + window
            if times is not None:
                ends_at = max(ends_at, times[1] + dt.timedelta(minutes=1))
            if ends_at <= self.now:
                completed.append(
                    (
                        written,
                        care.CompletedPairing(
                            mother=mother, cadre=cadre, starts_at=starts_at, ends_at=ends_at
                        ),
                    )
                )
                continue
            try:
                care.pairing_start(
                    mother=mother,
                    cadre=cadre,
                    starts_at=starts_at,
                    by=self.by,
                    override_reason=reason,
                )
            except DomainError as error:
                self._refused(MOTHERS, written.row, error)
        outcomes = care.pairings_completed_record(
            pairings=[pairing for _written, pairing in completed],
            by=self.by,
            override_reason=reason,
        )
        for (written, _pairing), outcome in zip(completed, outcomes, strict=True):
            if isinstance(outcome, DomainError):
                self._refused(MOTHERS, written.row, outcome)

    def _placeholder(self) -> dt.datetime:
        return min(self._at(self.programme.starts_on, NOON), self.now)

    def _at(self, day: dt.date, time: dt.time) -> dt.datetime:
        return moment(day, time, self.zone)


def _first_and_last(dates: list[dt.date]) -> list[dt.date]:
    return [min(dates), max(dates)] if dates else []
