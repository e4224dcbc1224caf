"""The refresher reminder of a cadre's certificate, planned from the database: on the refresher
date the certificate carries (months before it expires), or a month before it expires when it
carries none; once."""

import datetime as dt

import pytest

from kaderasi.reminders.models import Reminder, ReminderKind, ReminderStatus
from kaderasi.reminders.services import reminder_sweep
from kaderasi.reminders.tests import factories as rf
from kaderasi.tests import factories as f
from kaderasi.training.services import certificate_issue

pytestmark = pytest.mark.django_db

WIB = rf.WIB


@pytest.fixture
def cadre(world):
    return f.CadreFactory(programme=world.programme, posyandu=world.mawar, phone="+6281211110009")


def refreshers():
    return Reminder.objects.filter(kind=ReminderKind.CERTIFICATE_REFRESHER)


def test_a_certificate_issued_by_hand_brings_its_refresher_reminder_on_its_refresher_date(
    cadre, outbox
):
    certificate = certificate_issue(
        cadre=cadre, issued_on=dt.date(2025, 3, 10), reason="Certified by an earlier programme"
    )
    # Valid 24 months; the refresher is due 3 months before it expires (the default policy).
    assert (certificate.expires_on, certificate.refresher_due_on) == (
        dt.date(2027, 3, 10),
        dt.date(2026, 12, 10),
    )

    reminder_sweep(now=dt.datetime(2026, 12, 7, 8, 0, tzinfo=WIB))
    assert not refreshers().exists()  # beyond the 48 hours planned ahead

    reminder_sweep(now=dt.datetime(2026, 12, 9, 8, 0, tzinfo=WIB))
    refresher = refreshers().get()
    assert (refresher.cadre, refresher.due_at, refresher.status) == (
        cadre,
        dt.datetime(2026, 12, 10, 9, 0, tzinfo=WIB),
        ReminderStatus.PLANNED,
    )
    assert refresher.context["expires_on"] == "2027-03-10"

    for now in (
        dt.datetime(2026, 12, 10, 8, 59, tzinfo=WIB),
        dt.datetime(2026, 12, 10, 9, 0, tzinfo=WIB),
        dt.datetime(2026, 12, 10, 12, 0, tzinfo=WIB),
        dt.datetime(2026, 12, 12, 9, 0, tzinfo=WIB),
        dt.datetime(2027, 2, 8, 9, 0, tzinfo=WIB),  # a month before expiry: nothing new
    ):
        reminder_sweep(now=now)

    refresher = refreshers().get()
    assert (refresher.status, refresher.sent_at) == (
        ReminderStatus.SENT,
        dt.datetime(2026, 12, 10, 9, 0, tzinfo=WIB),
    )
    assert [line["id"] for line in outbox() if line["kind"] == "certificate_refresher"] == [
        str(refresher.public_id)
    ]


def test_a_certificate_without_a_refresher_date_is_reminded_lead_days_before_it_expires(
    cadre, outbox
):
    f.CertificateFactory(
        cadre=cadre, issued_on=dt.date(2025, 3, 10), expires_on=dt.date(2027, 3, 10)
    )

    reminder_sweep(now=dt.datetime(2026, 12, 9, 8, 0, tzinfo=WIB))
    assert not refreshers().exists()
    reminder_sweep(now=dt.datetime(2027, 2, 7, 8, 0, tzinfo=WIB))
    reminder_sweep(now=dt.datetime(2027, 2, 8, 9, 0, tzinfo=WIB))

    refresher = refreshers().get()
    assert (refresher.due_at, refresher.status) == (
        dt.datetime(2027, 2, 8, 9, 0, tzinfo=WIB),  # 30 days before 10 March
        ReminderStatus.SENT,
    )
    assert len(outbox()) == 1
