"""Raising flags from the rules (data) and working the referrals they open."""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import Model, Q
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
from kaderasi.core.bulk_audit import bulk_audit_write
from kaderasi.core.bulk_insert import ids_reserve, rows_insert
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
    links = {
        "measurement": measurement,
        "massage_session": massage_session,
        "scheduled_session": scheduled_session,
        "danger_sign_report": danger_sign_report,
        "latch_observation": latch_observation,
    }
    (raised,) = flags_record_many(
        raisings=[
            FlagRaising(
                mother=mother,
                findings=tuple(findings),
                links={name: row for name, row in links.items() if row is not None},
                severity=severity,
            )
        ],
        now=now,
    )
    return raised


@dataclass(frozen=True)
class FlagRaising:
    """Findings about one of a mother's records, to be recorded as flags: `links` names that
    record under the Flag field that points to it ("measurement": the row); `severity` overrides
    the rules'; `district_id`, when the caller knows it, saves looking it up."""

    mother: Mother
    findings: Sequence[flag_rules.Finding]
    links: Mapping[str, Model] = field(default_factory=dict)
    severity: str | None = None
    district_id: int | None = None


def flags_record_many(
    *, raisings: Sequence[FlagRaising], now: dt.datetime, by: User | None = None
) -> list[list[Flag]]:
    """`flags_record` for many records at once (a batch's), in order: the flags raised for each
    raising. The same rules as one by one, the raisings taken in order: a rule judges one record
    once (a flag of the rule linked to the same record is never raised again), and a flag opens a
    referral unless one of its rule is still open (or acknowledged) for the mother, opened earlier
    or by an earlier raising of the batch. Written in a fixed number of queries whatever the
    number of flags, with one audit entry per table for several rows (decision 0100), naming
    `by` as their author (None: a sweep's)."""
    codes = {finding.code for raising in raisings for finding in raising.findings}
    if not codes:
        return [[] for _raising in raisings]  # no flag: not even a savepoint
    # No savepoint inside a caller's transaction (the write path's): an error spoils it whole.
    with transaction.atomic(savepoint=False):
        return _flags_write(raisings, codes, now=now, by=by)


def _flags_write(
    raisings: Sequence[FlagRaising], codes: set[str], *, now: dt.datetime, by: User | None
) -> list[list[Flag]]:
    rules = {rule.code: rule for rule in FlagRule.objects.filter(code__in=codes)}
    flagged = _flagged_already(raisings, list(rules.values()))
    referred = set(
        Referral.objects.filter(
            mother__in={raising.mother.pk for raising in raisings},
            flag__rule__in=list(rules.values()),
            status__in=[ReferralStatus.OPEN, ReferralStatus.ACKNOWLEDGED],
        ).values_list("mother_id", "flag__rule_id")
    )
    districts: dict[int, int] = {}
    flags: list[Flag] = []
    raised: list[list[Flag]] = []
    opens: list[Flag] = []  # the flags that open a referral
    for raising in raisings:
        mother = raising.mother
        link_ids = {name: row.pk for name, row in raising.links.items()}
        district_id = raising.district_id
        if district_id is None:
            if mother.posyandu_id not in districts:
                districts[mother.posyandu_id] = _district_id_of(mother)
            district_id = districts[mother.posyandu_id]
        mine = []
        for finding in raising.findings:
            rule = rules[finding.code]
            if link_ids and any(
                all(links.get(name) == pk for name, pk in link_ids.items())
                for links in flagged[rule.pk]
            ):
                continue
            flag = Flag(
                mother=mother,
                district_id=district_id,
                rule=rule,
                severity=raising.severity or rule.severity,
                raised_at=now,
                detail=finding.detail,
                **raising.links,
            )
            flagged[rule.pk].append(link_ids)
            if (mother.pk, rule.pk) not in referred:
                referred.add((mother.pk, rule.pk))
                opens.append(flag)
            mine.append(flag)
        flags.extend(mine)
        raised.append(mine)
    # On PostgreSQL the ids of the flags, the referrals and their audit entries in one query.
    ids = ids_reserve({Flag: len(flags), Referral: len(opens), LogEntry: bool(flags) + bool(opens)})
    rows_insert(Flag, flags, ids=ids.get(Flag))
    referrals = rows_insert(
        Referral,
        [
            Referral(flag=flag, mother=flag.mother, district_id=flag.district_id, opened_at=now)
            for flag in opens
        ],
        ids=ids.get(Referral),
    )
    bulk_audit_write([*flags, *referrals], actor=by, ids=ids.get(LogEntry))
    for flag in flags:
        logger.info(
            "flag %s (%s) raised for mother %s",
            flag.public_id,
            flag.rule.code,
            flag.mother.public_id,
        )
    return raised


def _flagged_already(
    raisings: Sequence[FlagRaising], rules: list[FlagRule]
) -> defaultdict[int, list[dict[str, int | None]]]:
    """Rule pk → the links (field name → pk) of its flags stored for any record of `raisings`:
    one query."""
    wanted: defaultdict[str, set[int]] = defaultdict(set)
    for raising in raisings:
        for name, row in raising.links.items():
            wanted[name].add(row.pk)
    flagged: defaultdict[int, list[dict[str, int | None]]] = defaultdict(list)
    if not wanted:
        return flagged
    names = sorted(wanted)
    stored = Flag.objects.filter(
        reduce(or_, (Q(**{f"{name}__in": wanted[name]}) for name in names)), rule__in=rules
    ).values_list("rule_id", *(f"{name}_id" for name in names))
    for rule_id, *ids in stored:
        flagged[rule_id].append(dict(zip(names, ids, strict=True)))
    return flagged


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
