"""The pages: the cadre's "Send reminders" list with one-tap WhatsApp links, a mother's
reminders with her household's contacts, and who may see or change what."""

import datetime as dt
from importlib import import_module
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from kaderasi.reminders.models import (
    Channel,
    FamilyDelivery,
    FamilyMember,
    ProgrammeReminderSettings,
    RecipientPreference,
    RecipientRole,
    Reminder,
    ReminderKind,
    ReminderStatus,
    StatusReason,
)
from kaderasi.reminders.services import reminder_plan
from kaderasi.reminders.tests import factories as rf
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

WIB = rf.WIB
NOW = dt.datetime(2026, 11, 29, 8, 40, tzinfo=WIB)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr("kaderasi.core.clock.now", lambda: NOW)


@pytest.fixture
def households(world, cadre_user):
    """Sri (Pandes, accompanied by the cadre user) and Tutik (Canan, another cadre); the
    programme has no gateway, so the cadres send the household's reminders themselves."""
    ProgrammeReminderSettings.objects.create(
        programme=world.programme, family_delivery=FamilyDelivery.CADRE_WHATSAPP
    )
    own = cadre_user.cadre
    own.phone = "+6281211110001"
    own.save()
    other = rf.cadre_with_phone(
        programme=world.programme, posyandu=world.kenanga, phone="+6281211110002"
    )
    sri = rf.mother_in_care(
        programme=world.programme, posyandu=world.mawar, cadre=own, name="Sri Rahayu"
    )
    tutik = rf.mother_in_care(
        programme=world.programme,
        posyandu=world.kenanga,
        cadre=other,
        name="Tutik Lestari",
        phone="+6281233330002",
    )
    for mother in (sri, tutik):
        rf.ScheduledSessionFactory(
            mother=mother, window_starts_at=dt.datetime(2026, 11, 29, 9, 0, tzinfo=WIB)
        )
    reminder_plan(now=NOW, channel_name="file")
    return {"sri": sri, "tutik": tutik}


def to_mother(mother) -> Reminder:
    return Reminder.objects.get(
        kind=ReminderKind.SESSION_DUE, mother=mother, recipient_role=RecipientRole.MOTHER
    )


def test_the_cadre_sees_todays_messages_to_her_clients_with_one_tap_whatsapp_links(
    client, cadre_user, households
):
    client.force_login(cadre_user)
    with translation.override("en"):
        page = client.get(reverse("reminders:send-list"))
    assert page.status_code == 200
    lines = page.context["send"].to_send
    assert [line.reminder.mother for line in lines] == [households["sri"]] * 2
    session_line = next(line for line in lines if line.reminder.kind == ReminderKind.SESSION_DUE)
    link = urlsplit(session_line.link)
    assert (link.scheme, link.netloc, link.path) == ("https", "wa.me", "/6281233330001")
    text = parse_qs(link.query)["text"][0]
    assert text.startswith("Ibu Sri Rahayu, waktunya pijat oksitosin antara pukul 09.00 dan 11.00")
    assert "Tutik" not in page.content.decode()
    assert 'class="btn primary block wa-link"' in page.content.decode()


def test_tapping_the_link_marks_the_message_sent_by_her_and_tapping_again_changes_nothing(
    client, cadre_user, households
):
    client.force_login(cadre_user)
    reminder = to_mother(households["sri"])
    url = reverse("reminders:mark-sent", args=[reminder.public_id])
    response = client.post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "✓" in response.content.decode()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.status_reason, reminder.sent_by, reminder.sent_at) == (
        ReminderStatus.SENT,
        StatusReason.SENT_BY_CADRE,
        cadre_user,
        NOW,
    )
    assert reminder.body.startswith("Ibu Sri Rahayu, waktunya pijat oksitosin")
    client.post(url, headers={"HX-Request": "true"})
    reminder.refresh_from_db()
    assert reminder.attempts == 1


def _stored_body(reminder) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM reminders_reminder WHERE id = %s", [reminder.pk])
        return cursor.fetchone()[0]


def test_the_text_sent_is_stored_encrypted_and_read_back_plain(client, cadre_user, households):
    client.force_login(cadre_user)
    reminder = to_mother(households["sri"])

    client.post(
        reverse("reminders:mark-sent", args=[reminder.public_id]), headers={"HX-Request": "true"}
    )

    stored = _stored_body(reminder)
    assert stored.startswith("gAAAAA")
    assert "Sri" not in stored and "Rahayu" not in stored and "pijat" not in stored
    reminder.refresh_from_db()
    assert reminder.body.startswith("Ibu Sri Rahayu, waktunya pijat oksitosin")


def test_the_migration_encrypts_texts_stored_in_the_clear_and_reversed_gives_them_back(
    client, cadre_user, households
):
    client.force_login(cadre_user)
    reminder = to_mother(households["sri"])
    plain = "Ibu Sri Rahayu, waktunya pijat oksitosin."
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reminders_reminder SET body = %s WHERE id = %s", [plain, reminder.pk]
        )
    operation = import_module(
        "kaderasi.reminders.migrations.0006_reminder_text_encrypted"
    ).Migration.operations[-1]

    operation.code(None, SimpleNamespace(connection=connection))
    stored = _stored_body(reminder)
    reminder.refresh_from_db()
    assert stored.startswith("gAAAAA") and "Sri" not in stored
    assert reminder.body == plain

    operation.reverse_code(None, SimpleNamespace(connection=connection))
    assert _stored_body(reminder) == plain


def test_a_cadre_cannot_mark_another_cadres_message_and_nothing_changes(
    client, cadre_user, households
):
    client.force_login(cadre_user)
    theirs = to_mother(households["tutik"])
    response = client.post(reverse("reminders:mark-sent", args=[theirs.public_id]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ReminderStatus.PLANNED


def test_a_reminder_sent_by_the_gateway_cannot_be_marked_by_hand(client, cadre_user, households):
    client.force_login(cadre_user)
    to_herself = Reminder.objects.get(
        kind=ReminderKind.SESSION_DUE, recipient_role=RecipientRole.CADRE, cadre=cadre_user.cadre
    )
    assert to_herself.channel == "file"
    response = client.post(reverse("reminders:mark-sent", args=[to_herself.public_id]))
    assert response.status_code == 404
    to_herself.refresh_from_db()
    assert to_herself.status == ReminderStatus.PLANNED


def test_a_cancelled_reminder_says_why_it_can_no_longer_be_sent(client, cadre_user, households):
    client.force_login(cadre_user)
    reminder = to_mother(households["sri"])
    Reminder.objects.filter(pk=reminder.pk).update(
        status=ReminderStatus.CANCELLED, status_reason=StatusReason.OPTED_OUT
    )
    with translation.override("en"):
        response = client.post(
            reverse("reminders:mark-sent", args=[reminder.public_id]),
            headers={"HX-Request": "true"},
        )
    assert "This reminder can no longer be sent (Cancelled)." in response.content.decode()
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.CANCELLED


@pytest.mark.parametrize("persona", ["midwife", "coordinator", "district_officer"])
def test_only_cadres_have_a_send_list(client, request, persona, households):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reminders:send-list")).status_code == 403


def test_an_administrator_without_a_cadre_is_told_there_is_nothing_to_send(
    client, admin_user, households
):
    client.force_login(admin_user)
    with translation.override("en"):
        response = client.get(reverse("reminders:send-list"))
        assert "Your login is not linked to a cadre" in response.content.decode()


# --- A mother's reminders ----------------------------------------------------------------------

PANEL = {
    "admin_user": {"sri": 200, "tutik": 200},
    "coordinator": {"sri": 200, "tutik": 200},
    "midwife": {"sri": 200, "tutik": 404},
    # Names and phone numbers: not for the district office unless the programme grants them.
    "district_officer": {"sri": 404, "tutik": 404},
    "cadre_user": {"sri": 200, "tutik": 404},
}


@pytest.mark.parametrize("persona", list(PANEL))
def test_a_mothers_reminders_are_shown_to_whoever_may_see_her(client, request, persona, households):
    client.force_login(request.getfixturevalue(persona))
    for name, status in PANEL[persona].items():
        mother = households[name]
        response = client.get(
            reverse("reminders:mother-reminders", args=[mother.public_id]),
            headers={"HX-Request": "true"},
        )
        assert response.status_code == status, (persona, name)
        if status == 200:
            panel = response.context["reminders_panel"]
            assert {line.reminder.mother for line in panel.upcoming} == {mother}
            assert len(panel.upcoming) == Reminder.objects.filter(mother=mother).count()


def test_the_panel_lists_every_reminder_with_its_status(client, midwife, households):
    sri = households["sri"]
    Reminder.objects.filter(mother=sri, kind=ReminderKind.BASELINE_MEASUREMENT).update(
        status=ReminderStatus.FAILED, status_reason=StatusReason.GAVE_UP, last_error="503"
    )
    client.force_login(midwife)
    with translation.override("en"):
        response = client.get(reverse("reminders:mother-reminders", args=[sri.public_id]))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<span class="status status-failed">Failed</span>' in html
    assert '<span class="log-note">Failed after repeated attempts</span>' in html
    assert "Massage session coming up → Mother Sri Rahayu" in html
    assert "Planned" in html


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("cadre_user", True), ("midwife", True), ("coordinator", True), ("district_officer", False)],
)
def test_field_staff_stop_a_mothers_reminders_and_the_district_office_cannot(
    client, request, persona, allowed, households
):
    client.force_login(request.getfixturevalue(persona))
    sri = households["sri"]
    response = client.post(
        reverse("reminders:contact-update", args=[sri.public_id]),
        {"contact": "mother", "action": "stop"},
        headers={"HX-Request": "true"},
    )
    opted_out = RecipientPreference.objects.filter(mother=sri, opted_out_at__isnull=False)
    if allowed:
        assert response.status_code == 200
        assert opted_out.exists()
        assert to_mother(sri).status_reason == StatusReason.OPTED_OUT
    else:
        assert response.status_code == 403
        assert not opted_out.exists()
        assert to_mother(sri).status == ReminderStatus.PLANNED


def test_a_cadre_cannot_stop_the_reminders_of_a_mother_she_does_not_accompany(
    client, cadre_user, households
):
    client.force_login(cadre_user)
    tutik = households["tutik"]
    response = client.post(
        reverse("reminders:contact-update", args=[tutik.public_id]),
        {"contact": "mother", "action": "stop"},
    )
    assert response.status_code == 404
    assert not RecipientPreference.objects.filter(mother=tutik).exists()


def test_resuming_brings_the_reminders_back_at_the_next_planning(client, midwife, households):
    sri = households["sri"]
    client.force_login(midwife)
    url = reverse("reminders:contact-update", args=[sri.public_id])
    client.post(url, {"contact": "mother", "action": "stop"})
    client.post(url, {"contact": "mother", "action": "resume"})
    reminder_plan(now=NOW, channel_name="file")
    assert to_mother(sri).status == ReminderStatus.PLANNED


def test_the_cadre_records_the_husband_who_massages_and_reminders_go_to_him(
    client, cadre_user, households
):
    sri = households["sri"]
    client.force_login(cadre_user)
    response = client.post(
        reverse("reminders:family-member-add", args=[sri.public_id]),
        {
            "name": "Pak Joko",
            "relationship": "husband",
            "phone": "0812 9876 5432",
            "language": "id",
        },
    )
    assert response.status_code == 302
    member = FamilyMember.objects.get(mother=sri)
    assert (member.name, member.phone) == ("Pak Joko", "+6281298765432")
    reminder_plan(now=NOW, channel_name="file")
    to_household = Reminder.objects.get(
        kind=ReminderKind.SESSION_DUE,
        mother=sri,
        status=ReminderStatus.PLANNED,
        recipient_role=RecipientRole.FAMILY,
    )
    assert (to_household.family_member, to_household.channel) == (member, Channel.CADRE_WHATSAPP)


def test_a_wrong_phone_number_is_refused_on_its_field_and_the_typed_values_stay(
    client, cadre_user, households
):
    sri = households["sri"]
    client.force_login(cadre_user)
    with translation.override("en"):
        response = client.post(
            reverse("reminders:family-member-add", args=[sri.public_id]),
            {"name": "Pak Joko", "relationship": "husband", "phone": "12345", "language": "id"},
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors["phone"][0].startswith("Enter a valid phone number")
    assert 'value="Pak Joko"' in response.content.decode()
    assert not FamilyMember.objects.exists()


def test_a_family_member_who_stops_massaging_no_longer_receives_reminders(
    client, midwife, households
):
    sri = households["sri"]
    member = rf.FamilyMemberFactory(mother=sri)
    reminder_plan(now=NOW, channel_name="file")
    client.force_login(midwife)
    client.post(reverse("reminders:family-member-end", args=[sri.public_id, member.public_id]))
    member.refresh_from_db()
    assert member.ended_at == NOW
    assert set(Reminder.objects.filter(family_member=member).values_list("status", flat=True)) == {
        ReminderStatus.CANCELLED
    }


def test_the_district_office_cannot_record_a_family_member(client, district_officer, households):
    client.force_login(district_officer)
    sri = households["sri"]
    response = client.post(
        reverse("reminders:family-member-add", args=[sri.public_id]),
        {"name": "Pak Joko", "relationship": "husband", "phone": "081298765432", "language": "id"},
    )
    assert response.status_code == 403
    assert not FamilyMember.objects.exists()


def test_the_partial_for_the_mothers_page_loads_itself_when_included_without_the_panel(
    households,
):
    from django.template.loader import render_to_string

    html = render_to_string("reminders/mother_reminders.html", {"mother": households["sri"]})
    url = reverse("reminders:mother-reminders", args=[households["sri"].public_id])
    assert f'hx-get="{url}"' in html
    assert 'hx-trigger="load"' in html


def test_the_panel_shows_the_household_in_a_fixed_number_of_queries(
    client, midwife, households, django_assert_max_num_queries
):
    sri = households["sri"]
    for index in range(3):
        rf.FamilyMemberFactory(mother=sri, name=f"Keluarga {index}")
    reminder_plan(now=NOW, channel_name="file")
    client.force_login(midwife)
    url = reverse("reminders:mother-reminders", args=[sri.public_id])
    with django_assert_max_num_queries(20):
        client.get(url, headers={"HX-Request": "true"})


def test_a_midwife_sees_the_reminders_about_her_villages_mothers_and_cadres_only(
    midwife, cadre_user, households
):
    from kaderasi.reminders.selectors import reminders_visible_to

    visible = reminders_visible_to(midwife)
    assert set(visible.exclude(mother=None).values_list("mother", flat=True)) == {
        households["sri"].pk
    }
    # The digest of the cadre of her village, which is about no single mother.
    assert set(visible.filter(mother=None).values_list("cadre", flat=True)) == {cadre_user.cadre.pk}
    stranger = f.UserFactory(username="lain", role="cadre")
    assert not reminders_visible_to(stranger).exists()


def test_a_sent_reminder_shows_when_it_was_sent_not_when_it_was_planned(
    client, midwife, households
):
    # Issue 18: a reminder planned for 09.00 and sent at 11.44 read "09.00 Sent".
    sri = households["sri"]
    reminder = to_mother(sri)
    Reminder.objects.filter(pk=reminder.pk).update(
        status=ReminderStatus.SENT, sent_at=dt.datetime(2026, 11, 29, 11, 44, tzinfo=WIB)
    )
    client.force_login(midwife)
    with translation.override("en"):
        html = client.get(
            reverse("reminders:mother-reminders", args=[sri.public_id])
        ).content.decode()
    planned = reminder.due_at.astimezone(WIB).strftime("%H.%M")
    assert (
        '<span class="log-time">29 Nov 11.44 WIB</span>\n'
        '  <span class="status status-sent">Sent</span>\n'
        f'  <span class="log-note">planned for {planned}</span>'
    ) in html
