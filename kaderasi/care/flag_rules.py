"""What each flag rule checks (pure functions, no database).

A `FlagRule` row is the data (severity, thresholds in `parameters`, source, on/off); its `code`
selects one evaluation here. Each evaluation judges one kind of facts, reads its thresholds from
the parameters and returns a `Finding` (the values that fired it) or None. Thresholds are never
constants in this module: a clinician changes them in the admin without a deploy.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class MeasurementFacts:
    """A new measurement, with the birth it is judged against."""

    kind: str
    value: Decimal
    postpartum_day: int | None
    basis: str = ""
    birth_weight_g: int | None = None
    # Completed weeks at birth (entered by the midwife, else derived from HPHT/HPL); None unknown.
    gestational_weeks: int | None = None


@dataclass(frozen=True)
class StoolFacts:
    """What is known about the infant's stools `hours_since_birth` after the birth."""

    hours_since_birth: Decimal
    counts_recorded: int
    stools_total: Decimal


@dataclass(frozen=True)
class SessionFacts:
    """A massage session done, and the protocol's minutes."""

    duration_minutes: Decimal
    minutes_min: int
    minutes_max: int
    adverse_event: str = ""


@dataclass(frozen=True)
class DangerSignFacts:
    signs: tuple[str, ...]


@dataclass(frozen=True)
class MissedSessionFacts:
    """A scheduled session whose window closed `minutes_since_window_closed` ago."""

    minutes_since_window_closed: Decimal
    done: bool


@dataclass(frozen=True)
class RefusalFacts:
    """The planned sessions the mother has declined so far (this one included)."""

    refusals: int


@dataclass(frozen=True)
class BirthFacts:
    """The baby as born: birth weight and completed weeks of gestation (None when unknown)."""

    birth_weight_g: int | None
    gestational_weeks: int | None


@dataclass(frozen=True)
class MilkOnsetFacts:
    """The mother's answer to "has your milk come in?": `came_in_after_hours` when she said yes
    (hours after the birth it came in), else None; `not_in_at_hours` when she last said "not
    yet", hours after the birth."""

    came_in_after_hours: Decimal | None
    not_in_at_hours: Decimal | None


@dataclass(frozen=True)
class BirthOutcomeFacts:
    outcome: str


@dataclass(frozen=True)
class LatchFacts:
    """A feed scored with LATCH: the total (0-10) on its postpartum day."""

    total: int
    postpartum_day: int | None


Facts = (
    MeasurementFacts
    | StoolFacts
    | SessionFacts
    | DangerSignFacts
    | MissedSessionFacts
    | RefusalFacts
    | BirthFacts
    | MilkOnsetFacts
    | BirthOutcomeFacts
    | LatchFacts
)

# The counts the cadre records (feeds, BAK, stools) each cover the 24 hours before them: a fact
# of the record, not a clinical threshold.
COUNT_COVERS_HOURS = Decimal(24)


@dataclass(frozen=True)
class Finding:
    code: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class RuleSetting:
    """The data of one active rule, as handed to `evaluate`."""

    code: str
    severity: str
    parameters: Mapping[str, Any]


class ParameterError(ValueError):
    """A rule's parameters lack a threshold or hold one that is not a number."""


def _number(parameters: Mapping[str, Any], key: str) -> Decimal:
    try:
        return Decimal(str(parameters[key]))
    except KeyError as error:
        raise ParameterError(f"missing parameter {key!r}") from error
    except (InvalidOperation, ValueError) as error:
        raise ParameterError(f"parameter {key!r} is not a number") from error


def _loss_percent(facts: MeasurementFacts) -> Decimal | None:
    if facts.kind != "infant_weight" or not facts.birth_weight_g:
        return None
    birth = Decimal(facts.birth_weight_g)
    return (birth - facts.value) * 100 / birth


def _weight_detail(facts: MeasurementFacts, loss: Decimal, threshold: Decimal) -> dict:
    return {
        "loss_percent": float(round(loss, 1)),
        "weight_g": float(facts.value),
        "birth_weight_g": facts.birth_weight_g,
        "threshold_percent": float(threshold),
    }


def small_or_preterm(parameters: Mapping, birth_weight_g: int | None, weeks: int | None) -> dict:
    """What makes a baby low birth weight or preterm by the rule `low_birth_weight_or_preterm`
    ({} when neither is known to hold)."""
    found: dict[str, Any] = {}
    if birth_weight_g is not None and birth_weight_g < _number(parameters, "birth_weight_below_g"):
        found["birth_weight_g"] = birth_weight_g
        found["birth_weight_below_g"] = float(_number(parameters, "birth_weight_below_g"))
    if weeks is not None and weeks < _number(parameters, "gestational_weeks_below"):
        found["gestational_weeks"] = weeks
        found["gestational_weeks_below"] = float(_number(parameters, "gestational_weeks_below"))
    return found


def low_birth_weight_or_preterm(parameters: Mapping, facts: BirthFacts) -> dict | None:
    """Birth weight below `birth_weight_below_g` or born before `gestational_weeks_below`
    completed weeks: the weight thresholds of term babies do not fit, the midwife plans."""
    found = small_or_preterm(parameters, facts.birth_weight_g, facts.gestational_weeks)
    return found or None


def repeated_refusal(parameters: Mapping, facts: RefusalFacts) -> dict | None:
    """The mother has declined at least `refusals_at_least` planned sessions; one refusal (or
    any number below it) is her right and raises nothing."""
    threshold = _number(parameters, "refusals_at_least")
    if facts.refusals < threshold:
        return None
    return {"refusals": facts.refusals, "refusals_at_least": float(threshold)}


def no_urine_12_hours(parameters: Mapping, facts: MeasurementFacts) -> dict | None:
    """A BAK count of 0: no urine through the 24 hours it covers, which is at least `hours`."""
    hours = _number(parameters, "hours")
    if facts.kind != "wet_nappies" or facts.value != 0 or hours > COUNT_COVERS_HOURS:
        return None
    return {"hours_without_urine_at_least": float(COUNT_COVERS_HOURS), "hours": float(hours)}


def milk_not_in_by_72_hours(parameters: Mapping, facts: MilkOnsetFacts) -> dict | None:
    """She said her milk had not come in yet `hours` or more after the birth, or it came in only
    after `hours`. No answer is not judged (the mother's page asks for one)."""
    hours = _number(parameters, "hours")
    if facts.came_in_after_hours is not None:
        if facts.came_in_after_hours <= hours:
            return None
        return {
            "came_in_after_hours": float(round(facts.came_in_after_hours)),
            "hours": float(hours),
        }
    if facts.not_in_at_hours is None or facts.not_in_at_hours < hours:
        return None
    return {"not_in_at_hours": float(round(facts.not_in_at_hours)), "hours": float(hours)}


def latch_score_low(parameters: Mapping, facts: LatchFacts) -> dict | None:
    """A LATCH total at or below `total_at_most` on one of the postpartum `days` the rule
    judges (the early days, when a poor latch is helped soonest)."""
    days = parameters.get("days")
    if not isinstance(days, list | tuple):
        raise ParameterError("parameter 'days' must list postpartum days")
    threshold = _number(parameters, "total_at_most")
    if facts.postpartum_day is None or facts.postpartum_day not in {int(d) for d in days}:
        return None
    if facts.total > threshold:
        return None
    return {
        "latch_total": facts.total,
        "total_at_most": float(threshold),
        "postpartum_day": facts.postpartum_day,
    }


def birth_outcome(parameters: Mapping, facts: BirthOutcomeFacts) -> dict | None:
    if not facts.outcome:
        return None
    return {"outcome": facts.outcome}


def infant_weight_loss_referral(parameters: Mapping, facts: MeasurementFacts) -> dict | None:
    """Weight loss from birth weight at or above `loss_percent_at_least`."""
    threshold = _number(parameters, "loss_percent_at_least")
    loss = _loss_percent(facts)
    if loss is None or loss < threshold:
        return None
    return _weight_detail(facts, loss, threshold)


def infant_weight_loss_review(parameters: Mapping, facts: MeasurementFacts) -> dict | None:
    """Weight loss from birth weight above `loss_percent_above`."""
    threshold = _number(parameters, "loss_percent_above")
    loss = _loss_percent(facts)
    if loss is None or loss <= threshold:
        return None
    return _weight_detail(facts, loss, threshold)


def wet_nappies_below_day_of_life(parameters: Mapping, facts: MeasurementFacts) -> dict | None:
    """From postpartum day `from_day`, fewer wet nappies in 24 hours than the day of life (at
    most `expected_at_most`, the daily minimum once the first days are over)."""
    if facts.kind != "wet_nappies" or facts.postpartum_day is None:
        return None
    if facts.postpartum_day < _number(parameters, "from_day"):
        return None
    expected = min(Decimal(facts.postpartum_day), _number(parameters, "expected_at_most"))
    if facts.value >= expected:
        return None
    return {
        "wet_nappies": float(facts.value),
        "expected_at_least": float(expected),
        "postpartum_day": facts.postpartum_day,
    }


def no_stool_by_48_hours(parameters: Mapping, facts: StoolFacts) -> dict | None:
    """`hours` after the birth, stools have been counted and none was passed."""
    hours = _number(parameters, "hours")
    if facts.hours_since_birth < hours or facts.counts_recorded == 0 or facts.stools_total > 0:
        return None
    return {"hours_since_birth": float(round(facts.hours_since_birth, 1)), "hours": float(hours)}


def feeds_below_minimum(parameters: Mapping, facts: MeasurementFacts) -> dict | None:
    """Fewer feeds in 24 hours than `minimum_feeds`."""
    minimum = _number(parameters, "minimum_feeds")
    if facts.kind != "feeds" or facts.value >= minimum:
        return None
    return {"feeds": float(facts.value), "minimum_feeds": float(minimum)}


def milk_volume_below_reference(parameters: Mapping, facts: MeasurementFacts) -> dict | None:
    """A 24-hour estimate below the lower reference of its postpartum day, on the `days` the rule
    judges. The lower references (`lower_ml_by_day`) are not the rule's own: the service fills
    them in from the milk-volume reference table, the one the mother's chart draws, so the flag
    and the band never disagree; a day without a reference row is not judged. A single
    expression or a volume of unknown basis is never judged."""
    if facts.kind != "milk_volume" or facts.basis != "24h_estimate":
        return None
    days = parameters.get("days")
    if not isinstance(days, list | tuple):
        raise ParameterError("parameter 'days' must list postpartum days")
    lower_by_day = parameters.get("lower_ml_by_day") or {}
    if facts.postpartum_day is None or facts.postpartum_day not in {int(d) for d in days}:
        return None
    if str(facts.postpartum_day) not in lower_by_day:
        return None
    lower = _number(lower_by_day, str(facts.postpartum_day))
    if facts.value >= lower:
        return None
    return {
        "volume_ml": float(facts.value),
        "lower_ml": float(lower),
        "postpartum_day": facts.postpartum_day,
    }


def missed_session(parameters: Mapping, facts: MissedSessionFacts) -> dict | None:
    """A session not done `delay_minutes` after its window closed, unless the window closed more
    than `look_back_hours` ago."""
    delay = _number(parameters, "delay_minutes")
    look_back_minutes = _number(parameters, "look_back_hours") * 60
    if facts.done or not delay <= facts.minutes_since_window_closed <= look_back_minutes:
        return None
    return {"minutes_since_window_closed": float(round(facts.minutes_since_window_closed))}


def session_duration_outside_protocol(parameters: Mapping, facts: SessionFacts) -> dict | None:
    """A session shorter than the protocol's minimum or longer than its maximum, by more than
    `tolerance_minutes`."""
    tolerance = _number(parameters, "tolerance_minutes")
    low = facts.minutes_min - tolerance
    high = facts.minutes_max + tolerance
    if low <= facts.duration_minutes <= high:
        return None
    return {
        "duration_minutes": float(round(facts.duration_minutes, 1)),
        "minutes_min": facts.minutes_min,
        "minutes_max": facts.minutes_max,
    }


def adverse_event_reported(parameters: Mapping, facts: SessionFacts) -> dict | None:
    if not facts.adverse_event.strip():
        return None
    return {"adverse_event": facts.adverse_event.strip()[:300]}


def danger_sign(parameters: Mapping, facts: DangerSignFacts) -> dict | None:
    if not facts.signs:
        return None
    return {"signs": list(facts.signs)}


@dataclass(frozen=True)
class RuleDefinition:
    evaluate: Callable[[Mapping, Any], dict | None]
    facts: type
    # Rules on one topic judge the same value at two severities: when the red one fires, the
    # amber one is not raised for the same event.
    topic: str
    parameters: tuple[str, ...]


RULES: dict[str, RuleDefinition] = {
    "danger_sign": RuleDefinition(danger_sign, DangerSignFacts, "danger_sign", ()),
    "infant_weight_loss_referral": RuleDefinition(
        infant_weight_loss_referral, MeasurementFacts, "infant_weight", ("loss_percent_at_least",)
    ),
    "infant_weight_loss_review": RuleDefinition(
        infant_weight_loss_review, MeasurementFacts, "infant_weight", ("loss_percent_above",)
    ),
    "wet_nappies_below_day_of_life": RuleDefinition(
        wet_nappies_below_day_of_life,
        MeasurementFacts,
        "wet_nappies",
        ("from_day", "expected_at_most"),
    ),
    "no_stool_by_48_hours": RuleDefinition(no_stool_by_48_hours, StoolFacts, "stools", ("hours",)),
    "feeds_below_minimum": RuleDefinition(
        feeds_below_minimum, MeasurementFacts, "feeds", ("minimum_feeds",)
    ),
    "milk_volume_below_reference": RuleDefinition(
        milk_volume_below_reference, MeasurementFacts, "milk_volume", ("days",)
    ),
    "missed_session": RuleDefinition(
        missed_session, MissedSessionFacts, "missed_session", ("delay_minutes", "look_back_hours")
    ),
    "session_duration_outside_protocol": RuleDefinition(
        session_duration_outside_protocol, SessionFacts, "duration", ("tolerance_minutes",)
    ),
    "adverse_event_reported": RuleDefinition(
        adverse_event_reported, SessionFacts, "adverse_event", ()
    ),
    "repeated_refusal": RuleDefinition(
        repeated_refusal, RefusalFacts, "refusal", ("refusals_at_least",)
    ),
    "low_birth_weight_or_preterm": RuleDefinition(
        low_birth_weight_or_preterm,
        BirthFacts,
        "small_or_preterm",
        ("birth_weight_below_g", "gestational_weeks_below"),
    ),
    # On the topic of the wet-nappy rule: one red flag for one BAK count.
    "no_urine_12_hours": RuleDefinition(
        no_urine_12_hours, MeasurementFacts, "wet_nappies", ("hours",)
    ),
    "milk_not_in_by_72_hours": RuleDefinition(
        milk_not_in_by_72_hours, MilkOnsetFacts, "milk_onset", ("hours",)
    ),
    "birth_outcome": RuleDefinition(birth_outcome, BirthOutcomeFacts, "birth_outcome", ()),
    "latch_score_low": RuleDefinition(
        latch_score_low, LatchFacts, "latch", ("total_at_most", "days")
    ),
}

# The weight-loss rules' thresholds come from term babies of normal birth weight.
TERM_BABY_RULES = {"infant_weight_loss_referral", "infant_weight_loss_review"}
SMALL_OR_PRETERM_RULE = "low_birth_weight_or_preterm"

SEVERITY_ORDER = {"red": 0, "amber": 1}


def evaluate(rules: Iterable[RuleSetting], facts: Iterable[Facts]) -> list[Finding]:
    """Run every rule on the facts of its kind. A rule whose code has no evaluation, or whose
    parameters are broken, is skipped (and logged) rather than refusing the record it judges; on
    one topic a red finding hides the amber one. Red findings come first. The weights of a baby
    the active `low_birth_weight_or_preterm` rule finds small or preterm are not judged by the
    term-baby weight rules."""
    (findings,) = evaluate_each(rules, [facts])
    return findings


def evaluate_each(
    rules: Iterable[RuleSetting], facts_of_records: Iterable[Iterable[Facts]]
) -> list[list[Finding]]:
    """`evaluate` for many records, each judged on its own facts (a batch of records): the
    rules are ordered and looked up once for the batch, not once per record."""
    rules = list(rules)
    ordered: list[tuple[RuleSetting, RuleDefinition]] = []
    for rule in sorted(rules, key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.code)):
        definition = RULES.get(rule.code)
        if definition is None:
            logger.warning("flag rule %s has no evaluation; skipped", rule.code)
            continue
        ordered.append((rule, definition))
    small_or_preterm_setting = next((r for r in rules if r.code == SMALL_OR_PRETERM_RULE), None)
    # The rules that judge some fact of a record, in order, by the kinds of facts it has (most
    # records of a batch have one fact of one of a few kinds): found once per set of kinds.
    applicable: dict[frozenset[type], list[tuple[RuleSetting, RuleDefinition]]] = {}
    findings = []
    for facts in facts_of_records:
        facts_list = list(facts)
        kinds = frozenset(type(item) for item in facts_list)
        if kinds not in applicable:
            applicable[kinds] = [
                (rule, definition)
                for rule, definition in ordered
                if any(issubclass(kind, definition.facts) for kind in kinds)
            ]
        findings.append(_findings(applicable[kinds], small_or_preterm_setting, facts_list))
    return findings


def _findings(
    ordered: list[tuple[RuleSetting, RuleDefinition]],
    small_or_preterm_setting: RuleSetting | None,
    facts_list: list[Facts],
) -> list[Finding]:
    not_for_term_rules = _small_or_preterm_weights(small_or_preterm_setting, facts_list)
    found: list[tuple[RuleSetting, Finding]] = []
    for rule, definition in ordered:
        if any(definition.topic == RULES[f.code].topic for _, f in found):
            continue
        for position, item in enumerate(facts_list):
            if not isinstance(item, definition.facts):
                continue
            if rule.code in TERM_BABY_RULES and position in not_for_term_rules:
                continue
            try:
                detail = definition.evaluate(rule.parameters, item)
            except ParameterError as error:
                logger.warning("flag rule %s skipped: %s", rule.code, error)
                break
            if detail is not None:
                found.append((rule, Finding(rule.code, detail)))
                break
    return [finding for _, finding in found]


def _small_or_preterm_weights(setting: RuleSetting | None, facts: list) -> set[int]:
    """The positions in `facts` of infant weights of a low-birth-weight or preterm baby (by the
    active rule's `setting`, if any): the term-baby weight rules do not judge them."""
    if setting is None:
        return set()
    positions = set()
    for position, item in enumerate(facts):
        if isinstance(item, MeasurementFacts) and item.kind == "infant_weight":
            try:
                small = small_or_preterm(
                    setting.parameters, item.birth_weight_g, item.gestational_weeks
                )
            except ParameterError as error:
                logger.warning("flag rule %s skipped: %s", setting.code, error)
                return set()
            if small:
                positions.add(position)
    return positions


def parameters_problem(code: str, parameters: Any) -> str | None:
    """Why `parameters` cannot drive rule `code` (a translated message for the admin form), or
    None when they can."""
    definition = RULES.get(code)
    if definition is None:
        return _("No evaluation exists for the code %(code)s.") % {"code": code}
    if not isinstance(parameters, Mapping):
        return _("The parameters must be a JSON object.")
    for key in definition.parameters:
        if key not in parameters:
            return _("The parameter %(key)s is missing.") % {"key": key}
        value = parameters[key]
        if key == "days":
            if (
                not isinstance(value, list)
                or not value
                or not all(isinstance(d, int) and not isinstance(d, bool) and d > 0 for d in value)
            ):
                return _("%(key)s must list postpartum days, such as [3, 5].") % {"key": key}
            continue
        if not _is_number(value):
            return _("%(name)s must be a number.") % {"name": key}
    return None


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    try:
        Decimal(str(value))
    except InvalidOperation:
        return False
    return True
