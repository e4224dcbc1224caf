"""The live demo programme, `demo-live`, anchored to the day the demo runs: a mother at 37 weeks
of pregnancy, one delivered today, mothers on postpartum days 1, 2 and 3 with sessions done, one
session missed and one red flag open, consents, certified cadres; the demo `kader` login
accompanies the mother on day 2, who has sessions due today.

Everything in it goes through the care services, so the schedule, flags and referrals are the
real ones. Run twice on the same day it changes nothing; run on a later day it is rebuilt for
that day. All people in it are invented.
"""

import datetime as dt
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from kaderasi.cadres.models import Cadre
from kaderasi.care import services as care
from kaderasi.care.catalogue import catalogue_ensure
from kaderasi.care.models import (
    ConsentGivenBy,
    ConsentSubject,
    ConsentText,
    DangerSignContext,
    DeliveryPlace,
    DeliveryType,
    InfantSex,
    MeasurementKind,
    MilkBasis,
    MilkMethod,
    MilkPhase,
    Mother,
    PerformedBy,
    ScheduledSession,
)
from kaderasi.programmes.models import Programme
from kaderasi.regions.models import Area, AreaLevel
from kaderasi.training.models import Training
from kaderasi.training.services import certificate_issue

SLUG = "demo-live"
# The programme "started" this many days before the day the demo runs; its start date is how a
# later run knows the anchor day has changed.
STARTED_DAYS_BEFORE = 30
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

CADRES = [
    # (code, name, posyandu index); K01 is the demo `kader` login's person.
    ("K01", None, 0),
    ("K02", "Sumarni Astuti", 0),
    ("K03", "Endang Rahayu", 1),
    ("K04", "Wahyuni Lestari", 2),
    ("K05", "Suparmi Utami", 3),
]


@transaction.atomic
def seed_live(*, now: dt.datetime, kader: Cadre, posyandus: list[Area]) -> Programme:
    """Create `demo-live` for the local day of `now`, with `kader` (the cadre row holding the demo
    `kader` login) also acting as its cadre K01."""
    catalogue_ensure(apps)  # the flag rules and steps the demo relies on
    anchor = timezone.localdate(now)
    starts_on = anchor - dt.timedelta(days=STARTED_DAYS_BEFORE)
    existing = Programme.objects.filter(slug=SLUG).first()
    if existing is not None:
        if existing.starts_on == starts_on:
            return existing
        _remove(existing)
    village = posyandus[0].parent
    programme = Programme.objects.create(
        slug=SLUG,
        name="Demo langsung — One Kader One Client, Desa Pandes",
        area=village,
        starts_on=starts_on,
        description=(
            "Program contoh yang selalu berjalan 'hari ini': ibu hamil 37 minggu, ibu yang baru "
            "melahirkan, dan ibu nifas hari ke-1 sampai ke-3 dengan jadwal pijat, pengukuran, "
            "dan rujukan."
        ),
        is_illustrative=True,
        data_note="Semua orang dan angka dalam program ini rekaan, untuk demonstrasi.",
    )
    cadres = _cadres(programme, kader, posyandus, now=now)
    _mothers(programme, cadres, posyandus, now=now)
    care.schedule_sweep(now=now)
    return programme


def _remove(programme: Programme) -> None:
    """Delete an earlier day's demo-live (its mothers first: their records protect the cadres)."""
    Mother.objects.filter(programme=programme).delete()
    Cadre.objects.filter(programme=programme).delete()
    Training.objects.filter(programme=programme).delete()
    programme.delete()


def _cadres(programme, kader, posyandus, *, now) -> dict[str, Cadre]:
    training = Training.objects.create(
        programme=programme,
        title="Pelatihan pijat oksitosin (demo)",
        starts_at=now - 20 * DAY,
        ends_at=now - 20 * DAY + 5 * HOUR,
        venue="Balai Desa Pandes",
    )
    cadres = {}
    for number, (code, name, posyandu) in enumerate(CADRES, start=1):
        cadres[code] = Cadre.objects.create(
            programme=programme,
            code=code,
            name=name or kader.name,
            posyandu=kader.posyandu if name is None else posyandus[posyandu],
            # Illustrative numbers, so the reminders have somewhere to go in the demo.
            phone=f"+62812345001{number:02d}",
            same_person_as=kader if name is None else None,
        )
        certificate_issue(
            cadre=cadres[code], training=training, issued_on=timezone.localdate(training.ends_at)
        )
    return cadres


def _mothers(programme, cadres, posyandus, *, now) -> None:
    today_starts = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    weeks_37 = timezone.localdate(now) - dt.timedelta(days=37 * 7 + 2)
    pregnant = _register(
        programme, "M01", "Ny. Sari Wulandari", posyandus[3], now=now, lmp=weeks_37
    )
    _consent(pregnant, now=now, infant=False)
    care.pairing_start(mother=pregnant, cadre=cadres["K05"], starts_at=now - 7 * DAY)

    # Postpartum mothers: (code, name, posyandu, delivered_at, cadre, birth weight).
    mothers = [
        ("M02", "Ny. Dewi Lestari", 0, max(today_starts, now - 3 * HOUR), "K02", 3100),
        ("M03", "Ny. Rina Handayani", 0, now - 30 * HOUR, "K01", 2950),
        ("M04", "Ny. Tri Astuti", 1, now - 54 * HOUR, "K03", 3000),
        ("M05", "Ny. Lestari Puspitasari", 2, now - 20 * HOUR, "K04", 3300),
    ]
    for code, name, posyandu, delivered_at, cadre, birth_weight in mothers:
        mother = _register(
            programme,
            code,
            name,
            posyandus[posyandu],
            now=now,
            lmp=(delivered_at - 275 * DAY).date(),
        )
        _consent(mother, now=now, infant=True)
        _deliver(mother, delivered_at, birth_weight, now=now)
        care.pairing_start(mother=mother, cadre=cadres[cadre], starts_at=delivered_at + HOUR)
        missed = _missed_session(mother, now=now) if code == "M04" else None
        _sessions_done(mother, cadres[cadre], now=now, skip=missed)
        _measurements(mother, delivered_at, birth_weight, now=now, day_3=code == "M04")


def _register(programme, code, name, posyandu, *, now, lmp) -> Mother:
    return care.mother_register(
        programme=programme,
        posyandu=posyandu,
        name=name,
        code=code,
        phone=f"+62813456002{int(code[1:]):02d}",
        last_menstrual_period=lmp,
        by=None,
        now=now,
    )


def _consent(mother, *, now, infant: bool) -> None:
    subjects = [ConsentSubject.MOTHER] + ([ConsentSubject.INFANT] if infant else [])
    for subject in subjects:
        text = ConsentText.objects.filter(subject=subject).order_by("-effective_from").first()
        care.consent_give(
            mother=mother,
            subject=subject,
            text_version=text.version if text else "demo",
            given_at=now - 8 * DAY,
            given_by=ConsentGivenBy.MOTHER
            if subject == ConsentSubject.MOTHER
            else ConsentGivenBy.PARENT,
            by=None,
            now=now,
        )


def _deliver(mother, delivered_at, birth_weight, *, now) -> None:
    care.delivery_and_infant_record(
        pregnancy=mother.pregnancies.get(),
        delivered_at=delivered_at,
        now=now,
        delivery_type=DeliveryType.SPONTANEOUS,
        parity=1 + int(mother.code[-1]) % 3,
        place=DeliveryPlace.PUSKESMAS,
        early_initiation=True,
        infant={
            "sex": InfantSex.FEMALE if int(mother.code[-1]) % 2 else InfantSex.MALE,
            "birth_weight_g": birth_weight,
        },
    )


def _missed_session(mother, *, now) -> ScheduledSession | None:
    """The latest session whose window closed at least three hours ago: left undone, so the sweep
    flags it as missed."""
    return (
        ScheduledSession.objects.filter(
            mother=mother, cancelled_at__isnull=True, window_ends_at__lte=now - 3 * HOUR
        )
        .order_by("-window_ends_at")
        .first()
    )


def _sessions_done(mother, cadre, *, now, skip) -> None:
    """A 12-minute session in every window already closed (but `skip`)."""
    rows = ScheduledSession.objects.filter(
        mother=mother, cancelled_at__isnull=True, window_ends_at__lte=now
    ).order_by("window_starts_at")
    for index, row in enumerate(rows):
        if skip is not None and row.pk == skip.pk:
            continue
        started_at = row.window_starts_at + min(
            HOUR, (row.window_ends_at - row.window_starts_at) / 3
        )
        care.massage_session_record(
            mother=mother,
            scheduled_session=row,
            cadre=cadre,
            performed_by=PerformedBy.HUSBAND if index % 3 == 2 else PerformedBy.CADRE,
            started_at=started_at,
            ended_at=started_at + dt.timedelta(minutes=12),
            steps_done=list(range(1, 10)),
            comfort=4 + index % 2,
            now=now,
        )


def _measurements(mother, delivered_at, birth_weight, *, now, day_3: bool) -> None:
    age = now - delivered_at

    def record(kind, after, value, **extra):
        if after <= age:
            care.measurement_record(
                mother=mother,
                kind=kind,
                measured_at=delivered_at + after,
                value=Decimal(value),
                now=now,
                **extra,
            )

    # Baseline before the first massage: a single hand expression of colostrum.
    record(
        MeasurementKind.MILK_VOLUME,
        min(HOUR / 2, age / 2),
        6,
        method=MilkMethod.HAND_EXPRESSION,
        basis=MilkBasis.SINGLE_EXPRESSION,
        phase=MilkPhase.BEFORE,
        side="both",
        expression_minutes=10,
        minutes_since_feed=60,
    )
    for day in (1, 2, 3):
        at = day * DAY - 2 * HOUR  # near the end of postpartum day `day`
        record(MeasurementKind.FEEDS, at, 8 + day)
        record(MeasurementKind.WET_NAPPIES, at, day)
        record(MeasurementKind.STOOLS, at, 1 + day // 2)
    record(MeasurementKind.INFANT_WEIGHT, 22 * HOUR, birth_weight - 150)
    if day_3:
        # 10.7 % below the birth weight: a red flag the midwife must act on today.
        record(MeasurementKind.INFANT_WEIGHT, 50 * HOUR, round(birth_weight * 0.893))
        record(
            MeasurementKind.MILK_VOLUME,
            50 * HOUR,
            45,
            method=MilkMethod.MANUAL_PUMP,
            basis=MilkBasis.SINGLE_EXPRESSION,
            side="both",
            expression_minutes=15,
            minutes_since_feed=90,
        )
    care.danger_signs_report(
        mother=mother,
        signs=[],
        observed_at=now - min(age / 2, 2 * HOUR),
        context=DangerSignContext.DAILY_CHECK,
        now=now,
    )


def village_posyandus(village: Area) -> list[Area]:
    """The posyandus of `village`, in the order they were created."""
    return list(Area.objects.filter(parent=village, level=AreaLevel.POSYANDU).order_by("pk"))
