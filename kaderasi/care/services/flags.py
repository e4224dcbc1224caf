"""Raising flags from the rules (data) and working the referrals they open."""

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.care import flag_rules
from kaderasi.care.errors import CareErrorCode
from kaderasi.care.models import (
    DangerSignReport,
    Flag,
    FlagRule,
    LatchObservation,
    MassageSession,
    Measurement,
    Mother,
    Referral,
    ReferralOutcome,
    ReferralStatus,
    ScheduledSession,
)
from kaderasi.care.references import milk_reference_ranges
from kaderasi.care.services.common import district_of
from kaderasi.core.errors import DomainError

logger = logging.getLogger(__name__)


MILK_RULE = "milk_volume_below_reference"


def active_rule_settings() -> list[flag_rules.RuleSetting]:
    """The active rules with their parameters; the milk-volume rule's lower references come from
    the reference table (the mother's chart draws the same), for the days the rule judges."""
    settings = []
    for code, severity, parameters in FlagRule.objects.filter(is_active=True).values_list(
        "code", "severity", "parameters"
    ):
        if code == MILK_RULE and isinstance(parameters, dict):
            lower = {str(r.postpartum_day): r.lower_ml for r in milk_reference_ranges()}
            parameters = {**parameters, "lower_ml_by_day": lower}
        settings.append(flag_rules.RuleSetting(code=code, severity=severity, parameters=parameters))
    return settings


@transaction.atomic
def flags_raise(
    *,
    mother: Mother,
    facts: Iterable[flag_rules.Facts],
    now: dt.datetime,
    measurement: Measurement | None = None,
    massage_session: MassageSession | None = None,
    scheduled_session: ScheduledSession | None = None,
    danger_sign_report: DangerSignReport | None = None,
    rule_settings: list[flag_rules.RuleSetting] | None = None,
) -> list[Flag]:
    """Judge `facts` about `mother` with every active rule and record a flag for each finding,
    linked to the record that fired it (a rule judges one record once). Each flag opens a
    referral for the midwife, unless a referral for the same rule is still open for this mother:
    that one already asks her to look, and lists the new flag. A batch passes the
    `rule_settings` it loaded once (`active_rule_settings()`)."""
    facts = list(facts)
    if not facts:
        return []
    findings = flag_rules.evaluate(
        rule_settings if rule_settings is not None else active_rule_settings(), facts
    )
    if not findings:
        return []
    return flags_record(
        mother=mother,
        findings=findings,
        now=now,
        measurement=measurement,
        massage_session=massage_session,
        scheduled_session=scheduled_session,
        danger_sign_report=danger_sign_report,
    )


@transaction.atomic
def flags_record(
    *,
    mother: Mother,
    findings: Iterable[flag_rules.Finding],
    now: dt.datetime,
    measurement: Measurement | None = None,
    massage_session: MassageSession | None = None,
    scheduled_session: ScheduledSession | None = None,
    danger_sign_report: DangerSignReport | None = None,
    latch_observation: LatchObservation | None = None,
    severity: str | None = None,
) -> list[Flag]:
    """Record a flag for each of `findings` (judged already), as `flags_raise` describes. A
    `severity` given overrides the rule's (a danger-sign check is as severe as its worst sign)."""
    findings = list(findings)
    if not findings:
        return []
    rules = {
        rule.code: rule for rule in FlagRule.objects.filter(code__in=[f.code for f in findings])
    }
    links = {
        "measurement": measurement,
        "massage_session": massage_session,
        "scheduled_session": scheduled_session,
        "danger_sign_report": danger_sign_report,
        "latch_observation": latch_observation,
    }
    link_filter = {name: record for name, record in links.items() if record is not None}
    district_id = _district_id_of(mother)
    raised = []
    for finding in findings:
        rule = rules[finding.code]
        if link_filter and Flag.objects.filter(rule=rule, **link_filter).exists():
            continue
        flag = Flag.objects.create(
            mother=mother,
            district_id=district_id,
            rule=rule,
            severity=severity or rule.severity,
            raised_at=now,
            detail=finding.detail,
            **link_filter,
        )
        open_referral = Referral.objects.filter(
            mother=mother,
            flag__rule=rule,
            status__in=[ReferralStatus.OPEN, ReferralStatus.ACKNOWLEDGED],
        ).exists()
        if not open_referral:
            Referral.objects.create(
                flag=flag, mother=mother, district_id=district_id, opened_at=now
            )
        raised.append(flag)
        logger.info(
            "flag %s (%s) raised for mother %s", flag.public_id, rule.code, mother.public_id
        )
    return raised


def _district_id_of(mother: Mother) -> int:
    return district_of(mother.posyandu).pk


@transaction.atomic
def referral_acknowledge(*, referral: Referral, by: User, now: dt.datetime) -> Referral:
    """The midwife has seen the referral and is acting on it."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.OPEN:
        raise DomainError(
            CareErrorCode.REFERRAL_NOT_OPEN,
            _("This referral was already acknowledged."),
            field=None,
        )
    referral.status = ReferralStatus.ACKNOWLEDGED
    referral.acknowledged_at = now
    referral.acknowledged_by = by
    referral.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
    return referral


@transaction.atomic
def referral_close(
    *, referral: Referral, by: User, now: dt.datetime, outcome: str, action_taken: str = ""
) -> Referral:
    """Close the referral with its outcome (and what was done). Closing one not yet acknowledged
    acknowledges it at the same moment."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status == ReferralStatus.CLOSED:
        raise DomainError(
            CareErrorCode.REFERRAL_ALREADY_CLOSED, _("This referral is already closed."), field=None
        )
    if outcome not in ReferralOutcome.values:
        raise DomainError(
            CareErrorCode.REFERRAL_OUTCOME_REQUIRED,
            _("Choose the outcome of the referral."),
            field="outcome",
        )
    action_taken = action_taken.strip()
    if outcome == ReferralOutcome.OTHER and not action_taken:
        raise DomainError(
            CareErrorCode.REFERRAL_ACTION_REQUIRED,
            _("Describe what was done when the outcome is “Other”."),
            field="action_taken",
        )
    if referral.acknowledged_at is None:
        referral.acknowledged_at = now
        referral.acknowledged_by = by
    referral.status = ReferralStatus.CLOSED
    referral.closed_at = now
    referral.closed_by = by
    referral.outcome = outcome
    referral.action_taken = action_taken
    referral.save()
    return referral
