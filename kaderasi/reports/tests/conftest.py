"""A small field, counted by hand, for the rollups and dashboards (now = 29 Nov 2026, 09:00 WIB).

Programme wedi-2026 (Kecamatan Wedi), training on 10 Nov 2026:

- KM1, Mawar: 50 → 90; certificate 10 Jan 2026 – 10 Jan 2028 (valid).
- KM2, Mawar: 60 → 80; certificate 1 Jan 2025 – 1 Jan 2027, refresher due 1 Oct 2026 (expiring).
- KM3, Mawar: post-test 70 only; no certificate.
- KK1, Kenanga: 40 → 100; certificate 10 Jan 2026 – 10 Jan 2028 (valid).
- Programme sleman-2026: KS1, Sakura: 70 → 75; certified.

Mothers (sessions due / done / missed; milk; open referrals):

- M1, Mawar: postpartum day 2, paired with KM1; 5 / 2 / 2; 24-h volume 20 ml on day 2; red
  referral opened 28 Nov.
- M2, Mawar: pregnant.
- M3, Mawar: puerperium ended; accompaniment by KM2 completed; single expression 40 ml; amber
  referral closed.
- M4, Kenanga: postpartum day 5, never paired; 2 / 2 / 0; 24-h volume 150 ml on day 3; amber
  referral opened 26 Nov.
- M6, Mawar: no pregnancy recorded.
- M5, Sakura (sleman-2026): postpartum day 4, paired with KS1; 1 / 1 / 0; 24-h volume 10 ml on
  day 2; red referral opened 27 Nov.

References used by the tests: day 2 30–300 ml, day 3 98–775 ml (so M1 and M5 are below).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from auditlog.context import disable_auditlog

from kaderasi.care.models import PairingEndReason, ReferralStatus
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.reports.tests import factories as r
from kaderasi.tests import factories as f

NOW = r.at("2026-11-29", 9)
REFERENCES = [
    ReferenceRange(postpartum_day=1, lower_ml=7.0, upper_ml=122.5, source="test: Saint 1984"),
    ReferenceRange(postpartum_day=2, lower_ml=30.0, upper_ml=300.0, source="test"),
    ReferenceRange(postpartum_day=3, lower_ml=98.0, upper_ml=775.0, source="test: Saint 1984"),
]


@dataclass
class Field:
    world: object
    cadres: dict
    mothers: dict
    training: object


@pytest.fixture
def references():
    return list(REFERENCES)


@pytest.fixture
def field(world) -> Field:
    # The audit trail is not what these tests look at, and writing it triples the set-up time.
    with disable_auditlog():
        return _field(world)


def _field(world) -> Field:
    programme = world.programme
    training = f.TrainingFactory(
        programme=programme,
        title="Pelatihan pijat oksitosin",
        starts_at=r.at("2026-11-10", 8),
        ends_at=r.at("2026-11-10", 13),
    )
    cadres = {
        "KM1": f.CadreFactory(programme=programme, posyandu=world.mawar, code="KM1"),
        "KM2": f.CadreFactory(programme=programme, posyandu=world.mawar, code="KM2"),
        "KM3": f.CadreFactory(programme=programme, posyandu=world.mawar, code="KM3"),
        "KK1": f.CadreFactory(programme=programme, posyandu=world.kenanga, code="KK1"),
        "KS1": f.CadreFactory(programme=world.other_programme, posyandu=world.sakura, code="KS1"),
    }
    f.CertificateFactory(cadre=cadres["KM1"], refresher_due_on=dt.date(2027, 10, 10))
    f.CertificateFactory(
        cadre=cadres["KM2"],
        issued_on=dt.date(2025, 1, 1),
        expires_on=dt.date(2027, 1, 1),
        refresher_due_on=dt.date(2026, 10, 1),
    )
    f.CertificateFactory(cadre=cadres["KK1"], refresher_due_on=dt.date(2027, 10, 10))
    f.CertificateFactory(cadre=cadres["KS1"], refresher_due_on=dt.date(2027, 10, 10))
    other_training = f.TrainingFactory(
        programme=world.other_programme,
        title="Pelatihan Sleman",
        starts_at=r.at("2026-11-12", 8),
        ends_at=r.at("2026-11-12", 13),
    )
    for code, pre, post, which in [
        ("KM1", 50, 90, training),
        ("KM2", 60, 80, training),
        ("KM3", None, 70, training),
        ("KK1", 40, 100, training),
        ("KS1", 70, 75, other_training),
    ]:
        if pre is not None:
            f.TestAttemptFactory(
                training=which, cadre=cadres[code], phase="pre", score=Decimal(pre)
            )
        f.TestAttemptFactory(training=which, cadre=cadres[code], phase="post", score=Decimal(post))

    mothers = {
        "M1": f.delivered_mother(
            programme=programme,
            posyandu=world.mawar,
            code="M1",
            delivered_at=r.at("2026-11-27", 10),
        ),
        "M2": f.MotherFactory(programme=programme, posyandu=world.mawar, code="M2"),
        "M3": f.delivered_mother(
            programme=programme,
            posyandu=world.mawar,
            code="M3",
            delivered_at=r.at("2026-09-01", 10),
        ),
        "M4": f.delivered_mother(
            programme=programme,
            posyandu=world.kenanga,
            code="M4",
            delivered_at=r.at("2026-11-25", 8),
        ),
        "M5": f.delivered_mother(
            programme=world.other_programme,
            posyandu=world.sakura,
            code="M5",
            delivered_at=r.at("2026-11-26", 6),
        ),
        "M6": f.MotherFactory(programme=programme, posyandu=world.mawar, code="M6"),
    }
    f.PregnancyFactory(mother=mothers["M2"])

    m1, m3, m4, m5 = (mothers[k] for k in ("M1", "M3", "M4", "M5"))
    f.PairingFactory(mother=m1, cadre=cadres["KM1"], starts_at=r.at("2026-11-27", 11))
    f.PairingFactory(
        mother=m3,
        cadre=cadres["KM2"],
        starts_at=r.at("2026-09-01", 12),
        ends_at=r.at("2026-09-05", 12),
        end_reason=PairingEndReason.COMPLETED,
    )
    f.PairingFactory(mother=m5, cadre=cadres["KS1"], starts_at=r.at("2026-11-26", 8))

    # M1: two sessions a day from day 1; now is inside the window of day 3's first session.
    d1s1 = r.scheduled_session(m1, day=1, slot=1, starts_at=r.at("2026-11-27", 12))
    r.scheduled_session(m1, day=1, slot=2, starts_at=r.at("2026-11-27", 17))
    d2s1 = r.scheduled_session(m1, day=2, slot=1, starts_at=r.at("2026-11-28", 8))
    r.scheduled_session(m1, day=2, slot=2, starts_at=r.at("2026-11-28", 17))
    r.scheduled_session(m1, day=3, slot=1, starts_at=r.at("2026-11-29", 8))
    r.scheduled_session(m1, day=3, slot=2, starts_at=r.at("2026-11-29", 17))
    r.scheduled_session(
        m1, day=3, slot=1, starts_at=r.at("2026-11-29", 6), cancelled_at=r.at("2026-11-27", 11)
    )
    r.massage(m1, scheduled=d1s1, started_at=r.at("2026-11-27", 13), cadre=cadres["KM1"])
    r.massage(m1, scheduled=d2s1, started_at=r.at("2026-11-28", 9), cadre=cadres["KM1"])
    # M4: both sessions of day 1 done, by her husband.
    for slot, hour in ((1, 10), (2, 17)):
        session = r.scheduled_session(m4, day=1, slot=slot, starts_at=r.at("2026-11-25", hour))
        r.massage(m4, scheduled=session, started_at=r.at("2026-11-25", hour, 30))
    m5_session = r.scheduled_session(m5, day=1, slot=1, starts_at=r.at("2026-11-26", 8))
    r.massage(m5, scheduled=m5_session, started_at=r.at("2026-11-26", 9), cadre=cadres["KS1"])

    r.milk(m1, measured_at=r.at("2026-11-28", 12), value=20)  # day 2
    r.milk(m3, measured_at=r.at("2026-09-01", 18), value=40, basis="single_expression")
    r.milk(m4, measured_at=r.at("2026-11-27", 12), value=150)  # day 3
    r.milk(m5, measured_at=r.at("2026-11-27", 8), value=10)  # day 2

    r.referral(m1, severity="red", opened_at=r.at("2026-11-28", 10))
    r.referral(m3, severity="amber", opened_at=r.at("2026-09-02", 10), status=ReferralStatus.CLOSED)
    r.referral(m4, severity="amber", opened_at=r.at("2026-11-26", 9))
    r.referral(m5, severity="red", opened_at=r.at("2026-11-27", 9))
    return Field(world=world, cadres=cadres, mothers=mothers, training=training)
