"""The live demo programme, `demo-live`, anchored to the day the demo runs: a mother at 37 weeks
of pregnancy, one delivered today, mothers on postpartum days 1, 2 and 3 with sessions done, one
session missed and one red flag open, consents, cadres certified by a training 20 days earlier
(pre/post tests and two re-demonstrations each), and yesterday's refresher whose post-test is
still open for the demo `kader` login; she accompanies the mother on day 2, who has sessions due
today.

Everything in it goes through the care and training services, so the schedule, flags, referrals,
scores and certificates are the real ones. Run twice on the same day it changes nothing; run on
a later day it is rebuilt for that day. All people and results in it are invented.
"""

import datetime as dt
from decimal import Decimal

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from kaderasi.cadres.models import Cadre
from kaderasi.care import services as care
from kaderasi.care.catalogue import catalogue_ensure
from kaderasi.care.latch import LATCH_ITEMS
from kaderasi.care.models import (
    ConsentGivenBy,
    ConsentSubject,
    ConsentText,
    DangerSignContext,
    Delivery,
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
from kaderasi.care.services.protocol import delivery_followup_record
from kaderasi.demo.training_video import demo_video_attach
from kaderasi.programmes.models import Programme
from kaderasi.regions.models import Area, AreaLevel
from kaderasi.training import services as training_services
from kaderasi.training.models import Attendance, PracticePartner, TestPhase, Training

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

# The cadres' training, this many days before the day the demo runs, 08:00–13:00 local time.
TRAINING_DAYS_BEFORE = 20
# The knowledge test's items each cadre answered wrong on paper, (pre-test, post-test); 20 items
# of 5 points: K01 55 → 90, K02 50 → 85, K03 60 → 95, K04 45 → 80, K05 65 → 90. In the
# post-test nobody gets a must-pass safety item (15-18) wrong, so that everyone is certified.
KNOWLEDGE_WRONG = {
    "K01": ({2, 4, 7, 9, 11, 13, 15, 18, 20}, {4, 13}),
    "K02": ({1, 3, 5, 8, 10, 12, 14, 16, 17, 19}, {5, 14, 19}),
    "K03": ({3, 6, 9, 11, 13, 16, 18, 20}, {20}),
    "K04": ({1, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20}, {2, 8, 12, 20}),
    "K05": ({5, 7, 9, 12, 15, 17, 19}, {9, 19}),
}
# The checklist's steps each cadre missed in re-demonstrations 1 and 2. In the second nobody
# misses a critical step or more than 4 of the 23, so that everyone passes, as in the paper.
SKILL_MISSED = {
    "K01": ({3, 17, 23}, {17}),
    "K02": ({11, 16, 17, 20}, set()),
    "K03": ({17, 21}, {21}),
    "K04": ({3, 9, 14, 16, 17}, {16, 17}),
    "K05": ({5, 20}, set()),
}
# Yesterday's short refresher, 08:00–10:00: everyone took the pre-test on paper and the others
# handed in the post-test on paper; K01's post-test is open on her phone (the demo's `kader`).
REFRESHER_WRONG = {
    "K01": ({4, 9, 13, 18, 20}, None),
    "K02": ({5, 14, 17, 19}, {14}),
    "K03": ({18, 20}, set()),
    "K04": ({2, 8, 16}, {8}),
    "K05": ({9, 12, 19}, {19}),
}
ISSUER = "Pelatihan Kader Desa Pandes (demo kaderasi)"
SIGNATORY = "Tim Pelatih Kader (contoh)"


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
    anchor = timezone.localdate(now)
    content = training_services.standard_content_load()
    _training(programme, cadres, content, day=anchor - dt.timedelta(days=TRAINING_DAYS_BEFORE))
    _refresher(programme, cadres, content, day=anchor - DAY, now=now)
    return cadres


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """`hour`:`minute` local time on `day`."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _marks(questionnaire, wrong: set[int]) -> dict:
    """A paper answer sheet: the right option for every item but those in `wrong`."""
    marks = {}
    for question in questionnaire.questions.prefetch_related("options"):
        options = list(question.options.all())
        right = question.number not in wrong
        marks[question] = next(option for option in options if option.is_correct is right)
    return marks


def _answer_sheets(training, cadres, phase, wrong_by_code, *, at) -> None:
    training_services.answer_sheets_record(
        training=training,
        phase=phase,
        sheets={
            cadres[code]: _marks(training.questionnaire, wrong)
            for code, wrong in wrong_by_code.items()
            if wrong is not None
        },
        by=None,
        now=at,
        is_illustrative=True,
    )


def _training(programme, cadres, content, *, day: dt.date) -> Training:
    """The cadres' training: booklet, pre-test, post-test and two observed re-demonstrations
    each, then the certificates of everyone who met the pass rule."""
    training_services.training_policy_set(
        programme=programme, certificate_issuer=ISSUER, certificate_signatory=SIGNATORY
    )
    training = training_services.training_create(
        programme=programme,
        title="Pelatihan pijat oksitosin (demo)",
        starts_at=_at(day, 8),
        ends_at=_at(day, 13),
        venue="Balai Desa Pandes",
        questionnaire=content.questionnaire,
        skill_checklist=content.checklist,
        booklet=content.booklet,
        notes="Penyuluhan dengan booklet, pre-test, demonstrasi, redemonstrasi berpasangan dua "
        "kali, post-test.",
    )
    training_services.participants_record(
        training=training, attendance=dict.fromkeys(cadres.values(), Attendance.PRESENT)
    )
    pre = {code: wrong for code, (wrong, _post) in KNOWLEDGE_WRONG.items()}
    post = {code: wrong for code, (_pre, wrong) in KNOWLEDGE_WRONG.items()}
    _answer_sheets(training, cadres, TestPhase.PRE, pre, at=_at(day, 8, 30))
    steps = list(content.checklist.steps.all())
    training_services.skill_assessments_record_many(
        training=training,
        observed=[
            training_services.ObservedAttempt(
                cadre=cadres[code],
                attempt=attempt,
                results={step: (step.number not in missed[attempt - 1], "") for step in steps},
                assessor=None,
                assessed_at=_at(day, 9 + attempt, 30),
                partner=PracticePartner.PEER,
                is_illustrative=True,
            )
            for code, missed in SKILL_MISSED.items()
            for attempt in (1, 2)
        ],
    )
    _answer_sheets(training, cadres, TestPhase.POST, post, at=_at(day, 12, 30))
    training_services.certificates_issue_for_training(training=training, on=day)
    return demo_video_attach(training)


def _refresher(programme, cadres, content, *, day: dt.date, now: dt.datetime) -> Training:
    """Yesterday's refresher, its post-test still open for K01 on her phone."""
    refresher = training_services.training_create(
        programme=programme,
        title="Penyegaran pijat oksitosin (demo)",
        starts_at=_at(day, 8),
        ends_at=_at(day, 10),
        venue="Posyandu Mawar",
        questionnaire=content.questionnaire,
        booklet=content.booklet,
        notes="Penyegaran singkat: pre-test, ulasan booklet, post-test.",
    )
    training_services.participants_record(
        training=refresher, attendance=dict.fromkeys(cadres.values(), Attendance.PRESENT)
    )
    pre = {code: wrong for code, (wrong, _post) in REFRESHER_WRONG.items()}
    post = {code: wrong for code, (_pre, wrong) in REFRESHER_WRONG.items()}
    _answer_sheets(refresher, cadres, TestPhase.PRE, pre, at=_at(day, 8, 20))
    _answer_sheets(refresher, cadres, TestPhase.POST, post, at=_at(day, 9, 50))
    return training_services.training_test_open(training=refresher, phase=TestPhase.POST, now=now)


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
        nik=f"33100150019000{int(code[1:]):02d}",
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
    # The midwife's first postnatal check (KF1) two hours after the birth, before the mother went
    # home: the programme waits for it (and 6 hours) before the first massage (issue 19).
    delivery = Delivery.objects.get(pregnancy__mother=mother)
    delivery_followup_record(
        delivery=delivery,
        first_postnatal_check_at=min(delivered_at + 2 * HOUR, now),
        gestational_age_weeks=None,
        birth_outcome="",
        birth_outcome_at=None,
        now=now,
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
    # A feed observed each day with LATCH: the latch improves as the milk comes in. The mother
    # whose baby is losing weight starts at 4, which the latch rule sends to the midwife.
    latch_by_day = {1: (1, 1, 2, 1, 0), 2: (1, 1, 2, 1, 1), 3: (2, 2, 2, 1, 2)}
    if day_3:
        latch_by_day = {1: (0, 0, 2, 1, 1), 2: (1, 1, 2, 1, 1), 3: (1, 1, 2, 1, 1)}
    for day, items in latch_by_day.items():
        at = day * DAY - 5 * HOUR  # a feed in the afternoon of postpartum day `day`
        if at <= age:
            care.care_record_write(
                record=care.LatchScoreRecord(
                    mother=mother,
                    observed_at=delivered_at + at,
                    **dict(zip(LATCH_ITEMS, items, strict=True)),
                ),
                by=None,
                now=now,
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
