"""Teaching texts print clinical thresholds from the rule data, never typed (issue 19).

A question or booklet chapter names a number by where it lives:

- `{rule.CODE.PARAMETER}`: a flag rule's parameter (`care.FlagRule`), e.g.
  `{rule.infant_weight_loss_referral.loss_percent_at_least}` prints 10;
- `{sign.CODE.PARAMETER}`: a danger sign's threshold (`care.DangerSign.parameters`), e.g.
  `{sign.difficult_breathing.breaths_per_minute}` prints 60.

A booklet chapter may also hold, alone on a line, a block built from the data:
`{table:weight_loss_grams}` (the grams of the review and referral losses for 2,500, 3,000 and
3,500 g babies), `{table:milk_volumes}` (the milk-volume reference table with what its bounds
are), and `{list:danger_signs.GROUP}` (the active danger signs of a group, as the app asks them).

Changing a rule therefore changes every text that prints it. A name that does not resolve stays
visible in braces, so an edit in progress is seen, never silently printed as a wrong number."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.translation import gettext as _

from kaderasi.care.danger_sign_rules import format_number

VALUE = re.compile(r"\{(rule|sign)\.([a-z0-9_]+)\.([a-z0-9_]+)\}")
BLOCK = re.compile(r"^\{(table|list):([a-z0-9_.]+)\}[ \t]*$", re.MULTILINE)

# Example birth weights for the grams table: the cadre reads her baby's row (not thresholds).
EXAMPLE_BIRTH_WEIGHTS_G = (2500, 3000, 3500)

WEIGHT_REVIEW = ("infant_weight_loss_review", "loss_percent_above")
WEIGHT_REFERRAL = ("infant_weight_loss_referral", "loss_percent_at_least")

SEVERITY_ORDER = ("emergency", "same_day", "review")


@dataclass(frozen=True)
class SignRow:
    code: str
    group: str
    severity: str
    text_id: str
    text_en: str


@dataclass(frozen=True)
class MilkRow:
    postpartum_day: int
    lower_ml: Decimal
    upper_ml: Decimal
    mean_ml: Decimal | None
    bounds: str
    study_size: int | None
    source: str


@dataclass
class RuleData:
    """The numbers (and, for the booklet, the rows) that teaching texts print."""

    rules: dict[str, Mapping] = field(default_factory=dict)
    signs: dict[str, Mapping] = field(default_factory=dict)
    sign_rows: list[SignRow] = field(default_factory=list)
    milk_rows: list[MilkRow] = field(default_factory=list)

    def value(self, namespace: str, code: str, parameter: str):
        source = self.rules if namespace == "rule" else self.signs
        value = (source.get(code) or {}).get(parameter)
        return (
            value
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool)
            else None
        )


def rule_data(*, with_rows: bool = False) -> RuleData:
    """The flag rules' and danger signs' parameters (two queries); with `with_rows`, also the
    active danger signs' wording and the milk-volume table (for the booklet, two more)."""
    from kaderasi.care.models import DangerSign, FlagRule

    data = RuleData(
        # A rule switched off keeps its numbers: a text that names it still prints them.
        rules=dict(FlagRule.objects.values_list("code", "parameters")),
    )
    has_parameters = any(f.name == "parameters" for f in DangerSign._meta.get_fields())
    signs = DangerSign.objects.filter(is_active=True).order_by("group", "order", "code")
    if has_parameters:
        data.signs = dict(DangerSign.objects.values_list("code", "parameters"))
    if with_rows:
        from kaderasi.evaluation.models import MilkVolumeReference

        data.sign_rows = [
            SignRow(
                code=sign.code,
                group=sign.group,
                severity=getattr(sign, "severity", "same_day"),
                text_id=_sign_text(sign, "id"),
                text_en=_sign_text(sign, "en"),
            )
            for sign in signs
        ]
        data.milk_rows = [
            MilkRow(
                postpartum_day=row.postpartum_day,
                lower_ml=row.lower_ml,
                upper_ml=row.upper_ml,
                mean_ml=row.mean_ml,
                bounds=row.bounds,
                study_size=row.study_size,
                source=row.source,
            )
            for row in MilkVolumeReference.objects.order_by("postpartum_day")
        ]
    return data


def _sign_text(sign, language: str) -> str:
    """The sign as the app shows it in `language` (its thresholds filled in by the sign)."""
    with translation.override(language):
        return sign.text


def fill_values(text: str, data: RuleData, language: str) -> str:
    """`text` with every `{rule.…}` and `{sign.…}` replaced by its number in `language`."""

    def replace(match: re.Match) -> str:
        value = data.value(*match.groups())
        return match.group(0) if value is None else format_number(value, language)

    return VALUE.sub(replace, text)


def unresolved(text: str, data: RuleData) -> list[str]:
    """The value names in `text` the data cannot fill (a rule or parameter that does not exist)."""
    return [m.group(0) for m in VALUE.finditer(text) if data.value(*m.groups()) is None]


def percent_of(weight_g: int, percent) -> int:
    """`percent` % of `weight_g`, in whole grams (half up)."""
    grams = Decimal(weight_g) * Decimal(str(percent)) / 100
    return int(grams.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _weight_loss_grams(data: RuleData, language: str) -> str:
    review = data.value("rule", *WEIGHT_REVIEW)
    referral = data.value("rule", *WEIGHT_REFERRAL)
    if review is None or referral is None:
        return "{table:weight_loss_grams}"
    n = lambda value: format_number(value, language)  # noqa: E731
    rows = [
        "| {birth} | {review} | {referral} |".format(
            birth=_("%(grams)s g") % {"grams": n(weight)},
            review=_("more than %(lost)s g (weighs under %(left)s g)")
            % {
                "lost": n(percent_of(weight, review)),
                "left": n(weight - percent_of(weight, review)),
            },
            referral=_("%(lost)s g or more (weighs %(left)s g or less)")
            % {
                "lost": n(percent_of(weight, referral)),
                "left": n(weight - percent_of(weight, referral)),
            },
        )
        for weight in EXAMPLE_BIRTH_WEIGHTS_G
    ]
    head = "| {} | {} | {} |\n|---|---|---|".format(
        _("Birth weight"),
        _("Lost more than %(percent)s %%: the midwife reviews") % {"percent": n(review)},
        _("Lost %(percent)s %% or more: refer today") % {"percent": n(referral)},
    )
    return "\n".join([head, *rows])


def _milk_volumes(data: RuleData, language: str) -> str:
    if not data.milk_rows:
        return _("(The milk-volume reference table is empty.)")
    n = lambda value: format_number(value, language)  # noqa: E731
    head = "| {} | {} | {} |\n|---|---|---|".format(
        _("Day after birth"),
        _("Average in 24 hours"),
        _("Lowest and highest mother in the study"),
    )
    rows = [
        "| {day} | {mean} | {low}–{high} mL |".format(
            day=_("Day %(day)s") % {"day": row.postpartum_day},
            mean=_("about %(ml)s mL") % {"ml": n(row.mean_ml)} if row.mean_ml is not None else "—",
            low=n(row.lower_ml),
            high=n(row.upper_ml),
        )
        for row in data.milk_rows
    ]
    sizes = {row.study_size for row in data.milk_rows}
    kinds = {row.bounds for row in data.milk_rows}
    sources = sorted({row.source for row in data.milk_rows})
    if kinds == {"observed_extremes"} and len(sizes) == 1 and None not in sizes:
        meaning = _(
            "The last column is the lowest and the highest of the %(mothers)s mothers in one "
            "small study, not a normal range: a mother below it is not necessarily short of milk."
        ) % {"mothers": sizes.pop()}
    elif kinds == {"observed_extremes"}:
        meaning = _(
            "The last column is the lowest and the highest seen in a small study, not a normal "
            "range."
        )
    else:
        meaning = _("The ranges are guides, not a normal range.")
    note = "{} {}".format(
        meaning,
        _("Source: %(sources)s") % {"sources": "; ".join(sources)},
    )
    return "\n".join([head, *rows, "", note])


SEVERITY_HEADINGS = {
    ("mother", "emergency"): lambda: _(
        "Take her to the puskesmas or hospital now, then call the midwife:"
    ),
    ("mother", "same_day"): lambda: _("Call the midwife now; she sees the mother today:"),
    ("mother", "review"): lambda: _("Tell the midwife; she sees the mother within 24 hours:"),
    ("newborn", "emergency"): lambda: _(
        "Take the baby to the puskesmas or hospital now, then call the midwife:"
    ),
    ("newborn", "same_day"): lambda: _("Call the midwife now; she sees the baby today:"),
    ("newborn", "review"): lambda: _("Tell the midwife; she sees the baby within 24 hours:"),
}


def _danger_signs(group: str, data: RuleData, language: str) -> str:
    signs = [row for row in data.sign_rows if row.group == group]
    if not signs:
        return _("(No danger signs are listed for this group.)")
    text = (lambda row: row.text_id) if language.startswith("id") else (lambda row: row.text_en)
    if group == "before_massage":
        return "\n".join(f"- {_escape(text(row))}" for row in signs)
    parts = []
    for severity in SEVERITY_ORDER:
        chosen = [row for row in signs if row.severity == severity]
        if chosen:
            heading = SEVERITY_HEADINGS.get((group, severity))
            if heading is not None:
                parts.append(f"**{heading()}**\n")
            parts.extend(f"- {_escape(text(row))}" for row in chosen)
            parts.append("")
    others = [row for row in signs if row.severity not in SEVERITY_ORDER]
    parts.extend(f"- {_escape(text(row))}" for row in others)
    return "\n".join(parts).strip()


def _escape(text: str) -> str:
    """Plain sign wording as markdown text (no emphasis or list markers by accident)."""
    return re.sub(r"([\\*_`\[\]])", r"\\\1", text)


BLOCKS: dict[str, Callable[[RuleData, str], str]] = {
    "table:weight_loss_grams": _weight_loss_grams,
    "table:milk_volumes": _milk_volumes,
}


def fill_blocks(text: str, data: RuleData, language: str) -> str:
    """`text` with every block line replaced by its markdown, built from `data` in `language`."""

    def replace(match: re.Match) -> str:
        kind, name = match.groups()
        key = f"{kind}:{name}"
        with translation.override(language):
            if key in BLOCKS:
                return BLOCKS[key](data, language)
            if kind == "list" and name.startswith("danger_signs."):
                return _danger_signs(name.removeprefix("danger_signs."), data, language)
        return match.group(0)

    return BLOCK.sub(replace, text)


def fill(text: str, data: RuleData, language: str) -> str:
    """Blocks first, then values (a block's text may itself hold none)."""
    return fill_values(fill_blocks(text, data, language), data, language)


def has_values(text: str) -> bool:
    return "{" in text and VALUE.search(text) is not None
