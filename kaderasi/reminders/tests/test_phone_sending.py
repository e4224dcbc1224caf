"""On a 360 px phone the cadre sends a reminder from her own WhatsApp with one tap."""

import datetime as dt

import pytest
from django.utils import timezone

from kaderasi.conftest import log_in
from kaderasi.reminders.models import (
    FamilyDelivery,
    ProgrammeReminderSettings,
    RecipientRole,
    Reminder,
    ReminderKind,
    ReminderStatus,
)
from kaderasi.reminders.services import reminder_plan
from kaderasi.reminders.tests import factories as rf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_cadre_taps_send_on_whatsapp_and_the_reminder_is_marked_sent(
    phone, reminder_defaults, world, cadre_user
):
    ProgrammeReminderSettings.objects.create(
        programme=world.programme,
        family_delivery=FamilyDelivery.CADRE_WHATSAPP,
        quiet_hours_start=dt.time(0, 0),
        quiet_hours_end=dt.time(0, 0),
    )
    now = timezone.now()
    mother = rf.mother_in_care(
        programme=world.programme,
        posyandu=world.mawar,
        cadre=cadre_user.cadre,
        name="Sri Rahayu",
        delivered_at=now - dt.timedelta(hours=20),
    )
    rf.ScheduledSessionFactory(mother=mother, window_starts_at=now + dt.timedelta(minutes=20))
    reminder_plan(now=now, channel_name="file")
    to_mother = Reminder.objects.get(
        kind=ReminderKind.SESSION_DUE, recipient_role=RecipientRole.MOTHER
    )
    phone.context.route("https://wa.me/**", lambda route: route.fulfill(body="WhatsApp"))

    log_in(phone, cadre_user.username, "correct horse battery")
    phone.goto("/reminders/send/")
    item = phone.locator(f"#reminder-{to_mother.public_id}")
    link = item.locator("a.wa-link")
    assert link.is_visible()
    assert link.bounding_box()["height"] >= 48
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    with phone.expect_popup() as popup:
        link.click()
    assert popup.value.url.startswith("https://wa.me/6281233330001?text=Ibu%20Sri%20Rahayu")
    phone.locator(f"#reminder-{to_mother.public_id} .sent-mark").wait_for()
    to_mother.refresh_from_db()
    assert (to_mother.status, to_mother.sent_by) == (ReminderStatus.SENT, cadre_user)
