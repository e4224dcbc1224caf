"""The midwife settles a conflict: keeps the server's value, takes the phone's, or enters
another, checked like any edit; who sees which conflicts."""

import datetime as dt
import importlib
import uuid
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse

from kaderasi.care.models import Delivery
from kaderasi.care.services import delivery_record
from kaderasi.core.errors import DomainError
from kaderasi.sync.models import Conflict, ConflictResolution, ConflictStatus
from kaderasi.sync.selectors import conflicts_visible_to, open_conflict_count
from kaderasi.sync.services import conflict_resolve, registry_edit_submit
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


def _delivery(mother) -> Delivery:
    return Delivery.objects.get(pregnancy__mother=mother)


@pytest.fixture
def conflict(midwife, mother, now) -> Conflict:
    """The phone moved the delivery to 12:00 WIB while the server had moved it to 09:00 WIB."""
    base = _delivery(mother).updated_at
    delivery_record(
        pregnancy=_delivery(mother).pregnancy,
        delivered_at=dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC),
        now=now,
    )
    registry_edit_submit(
        user=midwife,
        record="delivery",
        mother=mother,
        changes={"delivered_at": dt.datetime(2026, 11, 8, 12, 0, tzinfo=WIB)},
        base_version=base,
        client_record_id=uuid.uuid4(),
        now=now,
    )
    return Conflict.objects.get()


@pytest.mark.parametrize(
    ("resolution", "value", "expected"),
    [
        (ConflictResolution.KEPT_SERVER, None, dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC)),
        (ConflictResolution.TOOK_DEVICE, None, dt.datetime(2026, 11, 8, 5, 0, tzinfo=dt.UTC)),
        (
            ConflictResolution.EDITED,
            dt.datetime(2026, 11, 8, 4, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 8, 4, 0, tzinfo=dt.UTC),
        ),
    ],
)
def test_the_midwife_keeps_takes_or_edits_the_value(
    conflict, midwife, mother, now, resolution, value, expected
):
    resolved = conflict_resolve(
        conflict=conflict, resolution=resolution, value=value, by=midwife, now=now
    )

    assert (resolved.status, resolved.resolution) == (ConflictStatus.RESOLVED, resolution)
    assert (resolved.resolved_by, resolved.resolved_at) == (midwife, now)
    assert resolved.resolved_value == expected.isoformat()
    assert _delivery(mother).delivered_at == expected


def test_a_resolved_conflict_cannot_be_resolved_again(conflict, midwife, now):
    conflict_resolve(
        conflict=conflict, resolution=ConflictResolution.KEPT_SERVER, by=midwife, now=now
    )

    with pytest.raises(DomainError) as error:
        conflict_resolve(
            conflict=conflict, resolution=ConflictResolution.TOOK_DEVICE, by=midwife, now=now
        )

    assert (error.value.code, error.value.field) == ("conflict_already_resolved", "resolution")
    assert Conflict.objects.get().resolution == ConflictResolution.KEPT_SERVER


def test_entering_another_value_needs_the_value(conflict, midwife, now):
    with pytest.raises(DomainError) as error:
        conflict_resolve(
            conflict=conflict, resolution=ConflictResolution.EDITED, by=midwife, now=now
        )

    assert (error.value.code, error.value.field) == ("conflict_value_required", "value")
    assert Conflict.objects.get().status == ConflictStatus.OPEN


def test_another_value_breaking_a_care_rule_is_refused_on_the_value(conflict, midwife, mother, now):
    with pytest.raises(DomainError) as error:
        conflict_resolve(
            conflict=conflict,
            resolution=ConflictResolution.EDITED,
            value=dt.datetime(2027, 1, 1, 8, 0, tzinfo=WIB),
            by=midwife,
            now=now,
        )

    assert (error.value.code, error.value.field) == ("delivery_in_future", "value")
    assert _delivery(mother).delivered_at == dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC)
    assert Conflict.objects.get().status == ConflictStatus.OPEN


def test_a_cadre_does_not_resolve_a_conflict(conflict, cadre_user, mother, now):
    with pytest.raises(DomainError) as error:
        conflict_resolve(
            conflict=conflict, resolution=ConflictResolution.TOOK_DEVICE, by=cadre_user, now=now
        )

    assert error.value.code == "not_allowed"
    assert _delivery(mother).delivered_at == dt.datetime(2026, 11, 8, 2, 0, tzinfo=dt.UTC)


def test_the_conflicts_follow_the_mothers_a_user_sees(world, conflict, midwife, cadre_user):
    other_midwife = f.UserFactory(role="midwife", areas=[world.canan])

    assert list(conflicts_visible_to(midwife)) == [conflict]
    assert list(conflicts_visible_to(other_midwife)) == []
    assert (
        open_conflict_count(midwife),
        open_conflict_count(other_midwife),
        open_conflict_count(cadre_user),
        open_conflict_count(None),
    ) == (1, 0, 0, 0)


def test_the_open_conflicts_count_is_asked_without_reading_every_mother(
    conflict, admin_user, coordinator
):
    """The base page counts them on every page: an administrator's count reads no mother row
    (she sees them all), a coordinator's asks for her mothers without DISTINCT, which
    PostgreSQL planned as de-duplicating every mother of the country (decision 0255)."""
    admin_sql = str(conflicts_visible_to(admin_user).query)
    coordinator_sql = str(conflicts_visible_to(coordinator).query)

    assert "care_mother" not in admin_sql
    assert "DISTINCT" not in coordinator_sql
    assert (open_conflict_count(admin_user), open_conflict_count(coordinator)) == (1, 1)


def test_moving_the_models_relabels_their_content_types_so_the_audit_log_follows(
    conflict, midwife, now
):
    """sync 0001 on a database that had them under the api app: the audit entries of a conflict
    (kept by content type) are found under the sync app afterwards."""
    conflict_resolve(
        conflict=conflict, resolution=ConflictResolution.KEPT_SERVER, by=midwife, now=now
    )
    migration = importlib.import_module(
        "kaderasi.sync.migrations.0001_registry_edits_and_conflicts_from_api"
    )
    ContentType.objects.filter(app_label="sync", model="registryedit").delete()
    ContentType.objects.filter(app_label="sync", model="conflict").update(app_label="api")
    ContentType.objects.clear_cache()
    entry = LogEntry.objects.get(object_pk=str(conflict.pk), content_type__model="conflict")
    assert entry.content_type.app_label == "api"
    ContentType.objects.create(app_label="api", model="registryedit")

    # The function reads only the editor's connection (SQLite opens no schema editor mid-test).
    migration.move_content_types(apps, SimpleNamespace(connection=connection))
    ContentType.objects.clear_cache()

    assert sorted(
        ContentType.objects.filter(model__in=["conflict", "registryedit"]).values_list(
            "app_label", "model"
        )
    ) == [("sync", "conflict"), ("sync", "registryedit")]
    assert list(LogEntry.objects.get_for_object(conflict)) == [entry]


def test_the_admin_lists_conflicts_and_edits_read_only_to_the_programme_coordinator(
    client, conflict, coordinator
):
    client.force_login(coordinator)

    listing = client.get(reverse("admin:sync_conflict_changelist"))
    detail = client.get(reverse("admin:sync_conflict_change", args=[conflict.pk]))
    edits = client.get(reverse("admin:sync_registryedit_changelist"))

    assert (listing.status_code, detail.status_code, edits.status_code) == (200, 200, 200)
    assert conflict.mother.code in listing.content.decode()
    assert client.get(reverse("admin:sync_conflict_add")).status_code == 403
