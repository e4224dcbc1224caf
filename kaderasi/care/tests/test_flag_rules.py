"""Every flag rule at its thresholds: just below, at, and just above (pure functions).

The thresholds are the parameters of the catalogue as shipped (domain reference §3.5)."""

from decimal import Decimal

import pytest

from kaderasi.care.catalogue import FLAG_RULES
from kaderasi.care.flag_rules import (
    DangerSignFacts,
    MeasurementFacts,
    MissedSessionFacts,
    RuleSetting,
    SessionFacts,
    StoolFacts,
    evaluate,
    parameters_problem,
)

SHIPPED = {rule["code"]: rule for rule in FLAG_RULES}


# What the service adds to the milk rule's parameters: the reference table's lower bounds as
# seeded (evaluation migration 0002; Saint 1984 for days 1, 3, 5, KellyMom for day 7).
REFERENCE_LOWER = {"lower_ml_by_day": {"1": 7, "3": 98, "5": 452, "7": 300}}


def _fires(code: str, facts, parameters=None) -> bool:
    rule = SHIPPED[code]
    shipped = rule["parameters"]
    if code == "milk_volume_below_reference":
        shipped = {**shipped, **REFERENCE_LOWER}
    setting = RuleSetting(code, rule["severity"], parameters or shipped)
    return [f.code for f in evaluate([setting], [facts])] == [code]


def _weight(grams, birth=3000, day=3):
    return MeasurementFacts(
        kind="infant_weight", value=Decimal(grams), postpartum_day=day, birth_weight_g=birth
    )


@pytest.mark.parametrize(
    ("grams", "fires"),
    [("2700.1", False), ("2700", True), ("2699.9", True)],  # 10 % of 3000 g is 300 g
)
def test_a_weight_loss_of_10_percent_or_more_is_red(grams, fires):
    assert _fires("infant_weight_loss_referral", _weight(grams)) is fires


@pytest.mark.parametrize(
    ("grams", "fires"),
    [("2790.1", False), ("2790", False), ("2789.9", True)],  # more than 7 % of 3000 g is > 210 g
)
def test_a_weight_loss_above_7_percent_is_amber(grams, fires):
    assert _fires("infant_weight_loss_review", _weight(grams)) is fires


def test_without_a_birth_weight_no_weight_loss_is_judged():
    assert not _fires("infant_weight_loss_referral", _weight(1500, birth=None))


def test_a_red_weight_loss_hides_the_amber_one_on_the_same_measurement():
    settings = [
        RuleSetting(code, SHIPPED[code]["severity"], SHIPPED[code]["parameters"])
        for code in ("infant_weight_loss_review", "infant_weight_loss_referral")
    ]
    assert [f.code for f in evaluate(settings, [_weight(2600)])] == ["infant_weight_loss_referral"]
    assert [f.code for f in evaluate(settings, [_weight(2750)])] == ["infant_weight_loss_review"]


def _nappies(count, day):
    return MeasurementFacts(kind="wet_nappies", value=Decimal(count), postpartum_day=day)


@pytest.mark.parametrize(
    ("count", "day", "fires"),
    [
        ("0", 2, False),  # before day 3 the rule does not apply
        ("2.9", 3, True),
        ("3", 3, False),
        ("3.1", 3, False),
        ("4", 5, True),
        ("5", 5, False),
        ("5.9", 9, True),  # from day 6 at least 6 a day
        ("6", 9, False),
        ("6.1", 9, False),
    ],
)
def test_fewer_wet_nappies_than_the_day_of_life_from_day_3_is_red(count, day, fires):
    assert _fires("wet_nappies_below_day_of_life", _nappies(count, day)) is fires


@pytest.mark.parametrize(
    ("hours", "total", "counted", "fires"),
    [
        ("47.9", "0", 1, False),
        ("48", "0", 1, True),
        ("48.1", "0", 1, True),
        ("60", "1", 2, False),
        ("60", "0", 0, False),  # never counted: unknown, not "no stool"
    ],
)
def test_no_stool_by_48_hours_is_red(hours, total, counted, fires):
    facts = StoolFacts(
        hours_since_birth=Decimal(hours), counts_recorded=counted, stools_total=Decimal(total)
    )
    assert _fires("no_stool_by_48_hours", facts) is fires


@pytest.mark.parametrize(("feeds", "fires"), [("7.9", True), ("8", False), ("8.1", False)])
def test_fewer_than_8_feeds_in_24_hours_is_amber(feeds, fires):
    facts = MeasurementFacts(kind="feeds", value=Decimal(feeds), postpartum_day=2)
    assert _fires("feeds_below_minimum", facts) is fires


def _milk(volume, day, basis="24h_estimate"):
    return MeasurementFacts(
        kind="milk_volume", value=Decimal(volume), postpartum_day=day, basis=basis
    )


@pytest.mark.parametrize(
    ("volume", "day", "fires"),
    [
        ("97.9", 3, True),
        ("98", 3, False),
        ("98.1", 3, False),
        ("451.9", 5, True),
        ("452", 5, False),
        ("452.1", 5, False),
        ("10", 4, False),  # no reference row for day 4
        ("5", 1, False),  # day 1 has a reference, but the shipped rule judges days 3 and 5 only
    ],
)
def test_a_24_hour_volume_below_the_days_lower_reference_is_amber(volume, day, fires):
    assert _fires("milk_volume_below_reference", _milk(volume, day)) is fires


@pytest.mark.parametrize("basis", ["single_expression", "unknown"])
def test_a_single_expression_is_never_judged_against_a_24_hour_norm(basis):
    assert not _fires("milk_volume_below_reference", _milk(5, 3, basis=basis))


@pytest.mark.parametrize(
    ("minutes", "fires"),
    [("119.9", False), ("120", True), ("120.1", True), ("4320", True), ("4320.1", False)],
)
def test_a_session_missed_for_the_delay_is_amber_within_the_look_back(minutes, fires):
    facts = MissedSessionFacts(minutes_since_window_closed=Decimal(minutes), done=False)
    assert _fires("missed_session", facts) is fires


def test_a_session_done_is_never_missed():
    facts = MissedSessionFacts(minutes_since_window_closed=Decimal(500), done=True)
    assert not _fires("missed_session", facts)


@pytest.mark.parametrize(
    ("minutes", "fires"),
    [
        ("9.9", True),
        ("10", False),
        ("10.1", False),
        ("14.9", False),
        ("15", False),
        ("15.1", True),
    ],
)
def test_a_session_outside_10_to_15_minutes_is_amber(minutes, fires):
    facts = SessionFacts(duration_minutes=Decimal(minutes), minutes_min=10, minutes_max=15)
    assert _fires("session_duration_outside_protocol", facts) is fires


@pytest.mark.parametrize(("text", "fires"), [("", False), ("  ", False), ("pusing", True)])
def test_an_adverse_event_written_down_is_amber(text, fires):
    facts = SessionFacts(
        duration_minutes=Decimal(12), minutes_min=10, minutes_max=15, adverse_event=text
    )
    assert _fires("adverse_event_reported", facts) is fires


@pytest.mark.parametrize(("signs", "fires"), [((), False), (("convulsions",), True)])
def test_any_danger_sign_ticked_is_red(signs, fires):
    assert _fires("danger_sign", DangerSignFacts(signs)) is fires


def test_a_changed_threshold_changes_the_outcome():
    assert not _fires("feeds_below_minimum", MeasurementFacts("feeds", Decimal(8), 2))
    assert _fires(
        "feeds_below_minimum", MeasurementFacts("feeds", Decimal(8), 2), {"minimum_feeds": 10}
    )


def test_a_rule_with_broken_parameters_is_skipped_not_raised():
    broken = RuleSetting("feeds_below_minimum", "amber", {"minimum_feeds": "many"})
    missing = RuleSetting("infant_weight_loss_review", "amber", {})
    unknown = RuleSetting("no_such_rule", "red", {})
    assert evaluate([broken, missing, unknown], [MeasurementFacts("feeds", Decimal(1), 2)]) == []


@pytest.mark.parametrize(
    ("code", "parameters", "problem"),
    [
        ("feeds_below_minimum", {"minimum_feeds": 8}, None),
        ("feeds_below_minimum", {}, "minimum_feeds"),
        ("feeds_below_minimum", {"minimum_feeds": "delapan"}, "minimum_feeds"),
        ("feeds_below_minimum", {"minimum_feeds": True}, "minimum_feeds"),
        ("milk_volume_below_reference", {"days": [3]}, None),
        ("milk_volume_below_reference", {"days": ["three"]}, "days"),
        ("milk_volume_below_reference", {"days": []}, "days"),
        ("milk_volume_below_reference", {"lower_ml_by_day": {"3": 100}}, "days"),
        ("no_such_rule", {}, "no_such_rule"),
    ],
)
def test_the_admin_is_told_what_is_wrong_with_a_rules_parameters(code, parameters, problem):
    found = parameters_problem(code, parameters)
    if problem is None:
        assert found is None
    else:
        assert problem in found


def test_every_shipped_rule_has_an_evaluation_and_valid_parameters_and_a_source():
    for rule in FLAG_RULES:
        assert parameters_problem(rule["code"], rule["parameters"]) is None
        assert rule["source"].strip()
