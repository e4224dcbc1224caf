"""The limitations of an evaluation, written by the program from its design and its data.

A pure function over plain facts: every sentence here follows from a fact the evaluation measured
(no comparison group, how many pairs, the basis and method of the volumes), so the report never
claims more than the data allow and never forgets to say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaderasi.core import numbers

# Below this many complete pairs a paired estimate is imprecise and a normality test has little
# power. A statistical rule of thumb for reporting, not a clinical threshold.
SMALL_SAMPLE_PAIRS = 30


@dataclass(frozen=True)
class EvaluationFacts:
    """What the limitations are derived from; counts are over the rows the reader may see."""

    has_comparison: bool
    is_illustrative: bool
    knowledge_pairs: int
    knowledge_excluded: int
    milk_pairs: int
    milk_excluded: int
    # False when the milk-volume change has no confidence interval (one pair, or differences that
    # are all equal), so no sentence may point the reader to one.
    milk_interval: bool = True
    comparison_pairs: int = 0
    comparison_excluded: int = 0
    volumes: int = 0
    basis_counts: dict[str, int] = field(default_factory=dict)
    method_labels: tuple[str, ...] = ()
    volumes_without_method: int = 0
    volumes_without_postpartum_day: int = 0
    mothers_with_unused_volumes: int = 0
    unused_volumes: int = 0
    before_day: int | None = None
    after_day: int | None = None
    before_reference_mean_ml: float | None = None
    after_reference_mean_ml: float | None = None


def limitations(facts: EvaluationFacts) -> list[str]:
    """The limitations, as translated sentences in the active language, most important first."""
    sentences: list[str] = []
    sentences += _design(facts)
    if facts.is_illustrative:
        sentences.append(
            _(
                "This programme contains illustrative values generated to match published summary "
                "figures; they are not observations, so its results only illustrate the method."
            )
        )
    sentences += _sample_size(facts)
    sentences += _missing_pairs(facts)
    sentences += _measurement(facts)
    return sentences


def _design(facts: EvaluationFacts) -> list[str]:
    if facts.has_comparison and facts.comparison_pairs:
        return [
            _(
                "Intervention and comparison groups: unless the mothers were allocated at random, "
                "the groups may differ in other ways (parity, type of delivery, postpartum day of "
                "the measurements) that explain part of the difference between them."
            )
        ]
    if facts.volumes == 0:
        return []
    sentences = []
    if facts.has_comparison:
        # A comparison group without a single complete pair compares nothing: the evaluation is
        # a single group's before and after, with all its caveats.
        sentences.append(
            _(
                "No mother of the comparison group has both milk volumes: the intervention group "
                "cannot be compared with it, and its change is read as that of a single group."
            )
        )
    sentences.append(
        _(
            "Single group, before and after: without a comparison group the change in milk "
            "volume cannot be separated from the normal rise of milk production in the first "
            "days after birth (lactogenesis II), so it must not be reported as an effect of the "
            "massage."
        )
    )
    if (
        facts.before_day is not None
        and facts.after_day is not None
        and facts.after_day > facts.before_day
    ):
        sentence = _(
            "The baseline volumes were measured on postpartum day %(before)s and the follow-up "
            "volumes on day %(after)s (medians); milk volume rises steeply over these days "
            "without any intervention."
        ) % {"before": facts.before_day, "after": facts.after_day}
        if facts.before_reference_mean_ml is not None and facts.after_reference_mean_ml is not None:
            sentence += " " + _(
                "Reference mean 24-hour volumes: %(before_mean)s ml on day %(before)s and "
                "%(after_mean)s ml on day %(after)s."
            ) % {
                "before": facts.before_day,
                "after": facts.after_day,
                "before_mean": _number(facts.before_reference_mean_ml),
                "after_mean": _number(facts.after_reference_mean_ml),
            }
        sentences.append(sentence)
    return sentences


def _sample_size(facts: EvaluationFacts) -> list[str]:
    sentences = []
    if facts.milk_pairs == 1:
        sentences.append(
            _(
                "Only 1 mother has both milk volumes: one pair gives no confidence interval and "
                "no check of normality, and it says nothing about other mothers."
            )
        )
    elif 0 < facts.milk_pairs < SMALL_SAMPLE_PAIRS and not facts.milk_interval:
        sentences.append(
            ngettext(
                "Only %(n)d mother has both milk volumes: the estimates are imprecise and the "
                "normality check that chooses the primary test has little power.",
                "Only %(n)d mothers have both milk volumes: the estimates are imprecise and the "
                "normality check that chooses the primary test has little power.",
                facts.milk_pairs,
            )
            % {"n": facts.milk_pairs}
        )
    elif 0 < facts.milk_pairs < SMALL_SAMPLE_PAIRS:
        sentences.append(
            ngettext(
                "Only %(n)d mother has both milk volumes: the estimates are imprecise (see the "
                "width of the confidence interval) and the normality check that chooses the "
                "primary test has little power.",
                "Only %(n)d mothers have both milk volumes: the estimates are imprecise (see the "
                "width of the confidence interval) and the normality check that chooses the "
                "primary test has little power.",
                facts.milk_pairs,
            )
            % {"n": facts.milk_pairs}
        )
    if facts.has_comparison and 0 < facts.comparison_pairs < SMALL_SAMPLE_PAIRS:
        sentences.append(
            ngettext(
                "Only %(n)d mother of the comparison group has both milk volumes.",
                "Only %(n)d mothers of the comparison group have both milk volumes.",
                facts.comparison_pairs,
            )
            % {"n": facts.comparison_pairs}
        )
    if 0 < facts.knowledge_pairs < SMALL_SAMPLE_PAIRS:
        sentences.append(
            ngettext(
                "Only %(n)d cadre has both test scores, so the knowledge estimates are imprecise.",
                "Only %(n)d cadres have both test scores, so the knowledge estimates are "
                "imprecise.",
                facts.knowledge_pairs,
            )
            % {"n": facts.knowledge_pairs}
        )
    return sentences


def _missing_pairs(facts: EvaluationFacts) -> list[str]:
    sentences = []
    if facts.volumes == 0:
        sentences.append(_("No milk volume marked as before or after has been recorded yet."))
    elif facts.milk_pairs == 0:
        sentences.append(
            _("No mother has both a before and an after volume, so no change can be computed.")
        )
    if facts.milk_excluded:
        sentences.append(
            ngettext(
                "%(n)d mother with only one of the two volumes was excluded from the "
                "milk-volume analysis.",
                "%(n)d mothers with only one of the two volumes were excluded from the "
                "milk-volume analysis.",
                facts.milk_excluded,
            )
            % {"n": facts.milk_excluded}
        )
    if facts.comparison_excluded:
        sentences.append(
            ngettext(
                "%(n)d mother of the comparison group with only one of the two volumes was "
                "excluded from the comparison.",
                "%(n)d mothers of the comparison group with only one of the two volumes were "
                "excluded from the comparison.",
                facts.comparison_excluded,
            )
            % {"n": facts.comparison_excluded}
        )
    if facts.knowledge_pairs == 0 and facts.knowledge_excluded == 0:
        sentences.append(_("No knowledge test score has been recorded."))
    elif facts.knowledge_pairs == 0:
        sentences.append(_("No cadre has both a pre-test and a post-test score."))
    if facts.knowledge_excluded:
        sentences.append(
            ngettext(
                "%(n)d cadre with only one of the two test scores was excluded from the "
                "knowledge analysis.",
                "%(n)d cadres with only one of the two test scores were excluded from the "
                "knowledge analysis.",
                facts.knowledge_excluded,
            )
            % {"n": facts.knowledge_excluded}
        )
    return sentences


def _measurement(facts: EvaluationFacts) -> list[str]:
    if facts.volumes == 0:
        return []
    sentences = []
    unknown = facts.basis_counts.get("unknown", 0)
    single = facts.basis_counts.get("single_expression", 0)
    if unknown == facts.volumes:
        sentences.append(
            _(
                "The basis of the milk volumes is unknown (one expression, or an estimate of the "
                "24-hour amount?), so they cannot be compared with the reference volumes for the "
                "postpartum day: no comparison with normal lactation is made."
            )
        )
    elif unknown:
        sentences.append(
            _(
                "The basis of %(n)s of %(total)s milk volumes is unknown; they are not compared "
                "with the reference volumes."
            )
            % {"n": unknown, "total": facts.volumes}
        )
    if single:
        sentences.append(
            ngettext(
                "%(n)d milk volume is a single expression, a fraction of the daily amount; it is "
                "not compared with the 24-hour reference volumes.",
                "%(n)d milk volumes are single expressions, a fraction of the daily amount; they "
                "are not compared with the 24-hour reference volumes.",
                single,
            )
            % {"n": single}
        )
    if facts.volumes_without_method == facts.volumes:
        sentences.append(
            _(
                "The measurement method (hand expression, pump, test weighing) is not recorded, "
                "so the volumes cannot be related to the methods of published studies."
            )
        )
    elif facts.volumes_without_method:
        sentences.append(
            _("%(n)s of %(total)s milk volumes have no recorded measurement method.")
            % {"n": facts.volumes_without_method, "total": facts.volumes}
        )
    if len(facts.method_labels) > 1:
        sentences.append(
            _(
                "The volumes were measured with different methods (%(methods)s), which do not "
                "give comparable amounts."
            )
            % {"methods": ", ".join(facts.method_labels)}
        )
    if facts.volumes_without_postpartum_day == facts.volumes:
        sentences.append(
            _(
                "No delivery time is recorded for these mothers, so the postpartum day of the "
                "measurements is unknown."
            )
        )
    elif facts.volumes_without_postpartum_day:
        sentences.append(
            _(
                "The postpartum day of %(n)s of %(total)s milk volumes is unknown (no delivery "
                "time recorded)."
            )
            % {"n": facts.volumes_without_postpartum_day, "total": facts.volumes}
        )
    if facts.unused_volumes:
        sentences.append(
            ngettext(
                "For %(mothers)d mother more than one volume was recorded in a phase; the "
                "earliest was used (left and right breast added) and %(n)d later volume(s) "
                "were not.",
                "For %(mothers)d mothers more than one volume was recorded in a phase; the "
                "earliest was used (left and right breast added) and %(n)d later volume(s) "
                "were not.",
                facts.mothers_with_unused_volumes,
            )
            % {"mothers": facts.mothers_with_unused_volumes, "n": facts.unused_volumes}
        )
    return sentences


def _number(value: float) -> str:
    return numbers.number(value)
