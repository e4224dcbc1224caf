"""What a danger sign's data mean, without the database: how urgent a check is (the most severe
sign ticked decides), which flag colour that is, and a sign's wording with its thresholds filled in
from the sign's own `parameters`, so a printed number cannot drift from the rule.

Severities, most urgent first (proposals for the midwife's sign-off, domain reference §3.4):
- emergency: take her (or the baby) to the puskesmas or hospital now, and call the midwife;
- same_day: call the midwife now, she sees the mother today;
- review: the midwife reviews within 24 hours."""

import string
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.utils import translation

from kaderasi.core import numbers

EMERGENCY = "emergency"
SAME_DAY = "same_day"
REVIEW = "review"

SEVERITY_RANK = {EMERGENCY: 0, SAME_DAY: 1, REVIEW: 2}

# A red flag asks the midwife to act the same day; an amber one within 24 hours.
FLAG_SEVERITY = {EMERGENCY: "red", SAME_DAY: "red", REVIEW: "amber"}

# Severities that alert the midwife at once (and escalate when nobody answers).
ALERTING = frozenset({EMERGENCY, SAME_DAY})


def most_severe(severities: Iterable[str]) -> str | None:
    """The most urgent of `severities` (unknown values count as same-day), None for none."""
    ranked = sorted(severities, key=lambda severity: SEVERITY_RANK.get(severity, 1))
    if not ranked:
        return None
    return ranked[0] if ranked[0] in SEVERITY_RANK else SAME_DAY


def flag_severity_of(severities: Iterable[str]) -> str | None:
    """The colour of the flag a check raises: red when its most severe sign is an emergency or
    same-day sign, amber when every sign is for review; None when no sign was ticked."""
    severity = most_severe(severities)
    return FLAG_SEVERITY[severity] if severity else None


def text_placeholders(text: str) -> set[str]:
    """The {name} placeholders in `text`; ValueError for anything else in braces."""
    names = set()
    for _literal, field, spec, conversion in string.Formatter().parse(text):
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValueError(field)
        names.add(field)
    return names


def format_number(value, language: str) -> str:
    """38 → "38"; 37.5 → "37,5" in Indonesian, "37.5" in English: `core.numbers.number` in
    `language` (the one number format of pages, charts, the booklet and the test)."""
    with translation.override(language):
        return numbers.number(value)


def render_sign_text(text: str, parameters: Mapping | None, language: str) -> str:
    """`text` with each {name} replaced by the parameter of that name, as a number in `language`.
    A placeholder without a parameter (an edit in progress) stays visible as {name}."""
    parameters = parameters or {}
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return text
    parts = []
    for literal, field, spec, conversion in parsed:
        parts.append(literal)
        if field is None:
            continue
        value = parameters.get(field)
        if value is None or spec or conversion:
            parts.append("{" + field + "}")
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            parts.append(format_number(value, language))
        else:
            parts.append(str(value))
    return "".join(parts)


def wording_problem(texts: Iterable[str], parameters: Mapping | None) -> str | None:
    """Why these texts and parameters do not fit together (a placeholder with no parameter, a
    parameter that is not a number), or None."""
    parameters = parameters if isinstance(parameters, Mapping) else None
    if parameters is None:
        return "not_a_mapping"
    for name, value in parameters.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"not_a_number:{name}"
    for text in texts:
        try:
            names = text_placeholders(text)
        except ValueError as error:
            return f"bad_placeholder:{error}"
        missing = names - set(parameters)
        if missing:
            return f"missing:{sorted(missing)[0]}"
    return None
