"""The reminder models in the admin: every list, search and detail page works; rules are
checked before they are saved; the defaults are the administrator's; the log is read-only."""

import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from kaderasi.reminders.models import (
    OptOutSource,
    ProgrammeReminderSettings,
    Reminder,
    ReminderKind,
    ReminderRule,
    ReminderStatus,
    StatusReason,
)
from kaderasi.reminders.services import recipient_opt_out, reminder_sweep
from kaderasi.reminders.tests import factories as rf

pytestmark = pytest.mark.django_db

REMINDER_MODELS = [m for m in admin.site._registry if m._meta.app_label == "reminders"]


@pytest.fixture
def records(world, admin_user):
    cadre = rf.cadre_with_phone(programme=world.programme, posyandu=world.mawar)
    mother = rf.mother_in_care(programme=world.programme, posyandu=world.mawar, cadre=cadre)
    rf.FamilyMemberFactory(mother=mother)
    rf.ScheduledSessionFactory(
        mother=mother, window_starts_at=dt.datetime(2026, 11, 29, 9, 0, tzinfo=rf.WIB)
    )
    ProgrammeReminderSettings.objects.create(programme=world.programme)
    recipient_opt_out(
        recipient=cadre,
        now=dt.datetime(2026, 11, 29, 7, 0, tzinfo=rf.WIB),
        source=OptOutSource.STAFF,
    )
    reminder_sweep(now=dt.datetime(2026, 11, 29, 8, 30, tzinfo=rf.WIB))
    return {"mother": mother}


def _url(name, language, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.mark.parametrize("model", REMINDER_MODELS, ids=lambda m: m._meta.label)
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_reminder_model_has_working_admin_pages(client, admin_user, records, model, language):
    client.force_login(admin_user)
    opts = model._meta
    listing = client.get(
        _url(f"admin:{opts.app_label}_{opts.model_name}_changelist", language), {"q": "a"}
    )
    assert listing.status_code == 200
    first = model.objects.first()
    detail = client.get(
        _url(f"admin:{opts.app_label}_{opts.model_name}_change", language, first.pk)
    )
    assert detail.status_code == 200


def _rule_form(programme, **overrides):
    values = {
        "programme": programme.pk if programme else "",
        "kind": ReminderKind.SESSION_DUE,
        "recipient_role": "cadre",
        "is_active": "on",
        "offset_minutes": "-45",
        "stale_after_minutes": "720",
        "respects_quiet_hours": "on",
        "message_id": "Pijat {mother} pukul {start}.",
        "message_en": "Massage {mother} at {start}.",
        "whatsapp_template": "",
        "whatsapp_parameters": "mother,start",
        "source": "Kecamatan Wedi asked for 45 minutes.",
    }
    values.update(overrides)
    return values


def test_a_coordinator_adds_a_rule_for_her_programme(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(reverse("admin:reminders_reminderrule_add"), _rule_form(world.programme))
    assert response.status_code == 302
    rule = ReminderRule.objects.get(programme=world.programme)
    assert rule.offset_minutes == -45


def test_a_rule_with_an_unknown_placeholder_is_refused_on_its_field(client, coordinator, world):
    client.force_login(coordinator)
    with translation.override("en"):
        response = client.post(
            reverse("admin:reminders_reminderrule_add"),
            _rule_form(world.programme, message_id="Pijat {ibu} pukul {start}."),
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert errors["message_id"][0].startswith("Unknown placeholder {ibu}.")
    assert not ReminderRule.objects.filter(programme=world.programme).exists()


def test_a_day_based_rule_needs_its_time_of_day(client, coordinator, world):
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:reminders_reminderrule_add"),
        _rule_form(world.programme, kind=ReminderKind.MORNING_DIGEST),
    )
    assert "send_at" in response.context["adminform"].form.errors
    assert not ReminderRule.objects.filter(programme=world.programme).exists()


def test_the_defaults_are_changed_by_the_administrator_only(client, coordinator, admin_user):
    default = ReminderRule.objects.get(
        programme=None, kind=ReminderKind.SESSION_DUE, recipient_role="cadre"
    )
    url = reverse("admin:reminders_reminderrule_change", args=[default.pk])
    client.force_login(coordinator)
    client.post(
        url, {**_rule_form(default.programme or type("P", (), {"pk": ""})), "programme": ""}
    )
    default.refresh_from_db()
    assert default.offset_minutes == -30
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    client.force_login(admin_user)
    assert client.get(url).context["has_change_permission"] is True


def test_the_delivery_log_is_read_only_but_a_failed_reminder_can_be_sent_again(
    client, admin_user, records, monkeypatch
):
    # Sent again while the session it announces is still ahead (the admin reads the clock).
    monkeypatch.setattr(
        "kaderasi.core.clock.now", lambda: dt.datetime(2026, 11, 29, 8, 45, tzinfo=rf.WIB)
    )
    reminder = Reminder.objects.filter(status=ReminderStatus.SENT).first()
    Reminder.objects.filter(pk=reminder.pk).update(
        status=ReminderStatus.FAILED, status_reason=StatusReason.GAVE_UP, attempts=5
    )
    client.force_login(admin_user)
    assert client.get(reverse("admin:reminders_reminder_add")).status_code == 403
    client.post(
        reverse("admin:reminders_reminder_changelist"),
        {"action": "send_again", "_selected_action": [reminder.pk]},
    )
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.PLANNED, 0)


def test_a_midwife_does_not_use_the_admin(client, midwife):
    client.force_login(midwife)
    response = client.get(reverse("admin:reminders_reminder_changelist"))
    assert response.status_code == 302
