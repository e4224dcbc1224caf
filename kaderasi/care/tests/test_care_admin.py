"""The catalogue is edited in the admin (a threshold without a deploy); events are read-only."""

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.care.models import FlagRule

pytestmark = pytest.mark.django_db


def _rule_form(rule, parameters):
    return {
        "severity": rule.severity,
        "title_id": rule.title_id,
        "title_en": rule.title_en,
        "parameters": parameters,
        "source": rule.source,
        "is_active": "on",
    }


def test_a_coordinator_changes_a_threshold_in_the_admin(client, coordinator):
    rule = FlagRule.objects.get(code="feeds_below_minimum")
    client.force_login(coordinator)
    url = reverse("admin:care_flagrule_change", args=[rule.pk])
    response = client.post(url, _rule_form(rule, '{"minimum_feeds": 10}'))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.parameters == {"minimum_feeds": 10}


def test_broken_parameters_are_refused_with_the_reason(client, coordinator):
    rule = FlagRule.objects.get(code="feeds_below_minimum")
    client.force_login(coordinator)
    url = reverse("admin:care_flagrule_change", args=[rule.pk])
    with translation.override("en"):
        response = client.post(url, _rule_form(rule, '{"minimum": 10}'))
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "minimum_feeds" in errors["parameters"][0]
    rule.refresh_from_db()
    assert rule.parameters == {"minimum_feeds": 8}


@pytest.mark.parametrize(
    "model", ["massagesession", "scheduledsession", "flag", "referral", "consent"]
)
def test_events_and_derived_rows_cannot_be_added_in_the_admin(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:care_{model}_add")).status_code == 403


def test_a_midwife_does_not_use_the_admin(client, midwife):
    client.force_login(midwife)
    response = client.get(reverse("admin:care_flagrule_changelist"))
    assert response.status_code == 302
