"""The participant flow of an evaluation: who was registered, who was measured, who was analysed.

CONSORT-style, each step keeps the people of the step before minus those excluded for one named
reason, so a reader can see every person who is not in the analysis and why. Pure: plain values in,
a JSON-serialisable dictionary out (documented in docs/decisions/0024-participant-flow.md).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Protocol

from kaderasi.care.models import StudyGroup


class Registered(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def group(self) -> str: ...
    @property
    def consent_withdrawn(self) -> bool: ...


class Volume(Protocol):
    @property
    def volume_ml(self) -> float: ...


class Measured(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def before(self) -> Volume | None: ...
    @property
    def after(self) -> Volume | None: ...


class Scored(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def pre(self) -> float | None: ...
    @property
    def post(self) -> float | None: ...


def participant_flow(
    *,
    registered: Sequence[Registered],
    volumes: Sequence[Measured],
    has_comparison: bool,
    trained: Collection[str],
    knowledge: Sequence[Scored],
    outside_protocol: Collection[str] = (),
    conformant_only: bool = False,
) -> dict[str, Any]:
    """The flow of mothers per group and of cadres.

    ``mothers`` has the key ``intervention`` and, when the programme has a comparison group,
    ``comparison``; each is ``{registered, consent_withdrawn, no_baseline, with_baseline,
    no_follow_up, with_follow_up, outside_protocol, outside_protocol_excluded, analysed,
    zero_baseline, analysed_for_percentages}`` where ``with_baseline = registered -
    consent_withdrawn - no_baseline``, ``with_follow_up = with_baseline - no_follow_up``,
    ``outside_protocol`` counts the pairs among them whose code is in `outside_protocol` (a day
    outside the protocol's windows, or a follow-up not after its baseline: decision 0110),
    ``outside_protocol_excluded`` is that number when the programme analyses only
    protocol-conformant pairs (`conformant_only`) and 0 otherwise, ``analysed = with_follow_up -
    outside_protocol_excluded`` and ``analysed_for_percentages = analysed - zero_baseline`` (a
    relative change from zero is undefined). ``cadres`` is ``{trained, no_pre_test,
    with_pre_test, no_post_test, with_post_test, analysed}`` in the same way. A mother with
    volumes who is missing from `registered` (or a scored cadre missing from `trained`) is
    counted as registered (trained).
    """
    volumes_by_code = {row.code: row for row in volumes}
    group_of = {mother.code: mother.group for mother in registered}
    withdrawn = {mother.code for mother in registered if mother.consent_withdrawn}
    codes_by_group: dict[str, list[str]] = {StudyGroup.INTERVENTION.value: []}
    if has_comparison:
        codes_by_group[StudyGroup.COMPARISON.value] = []
    for row in volumes:
        group_of.setdefault(row.code, getattr(row, "group", StudyGroup.INTERVENTION.value))
    for code, group in group_of.items():
        key = (
            StudyGroup.COMPARISON.value
            if group == StudyGroup.COMPARISON and has_comparison
            else StudyGroup.INTERVENTION.value
        )
        codes_by_group[key].append(code)
    outside = set(outside_protocol)
    mothers = {
        group: _mother_flow(codes, withdrawn, volumes_by_code, outside, conformant_only)
        for group, codes in codes_by_group.items()
    }
    return {"mothers": mothers, "cadres": _cadre_flow(trained, knowledge)}


def _mother_flow(
    codes: Sequence[str],
    withdrawn: set[str],
    volumes_by_code: dict[str, Measured],
    outside: set[str],
    conformant_only: bool,
) -> dict[str, int]:
    consenting = [code for code in codes if code not in withdrawn]
    with_baseline = [
        volumes_by_code[code]
        for code in consenting
        if code in volumes_by_code and volumes_by_code[code].before is not None
    ]
    with_follow_up = [row for row in with_baseline if row.after is not None]
    outside_pairs = [row for row in with_follow_up if row.code in outside]
    analysed = [row for row in with_follow_up if not (conformant_only and row.code in outside)]
    zero_baseline = sum(
        1 for row in analysed if row.before is not None and row.before.volume_ml == 0
    )
    return {
        "registered": len(codes),
        "consent_withdrawn": len(codes) - len(consenting),
        "no_baseline": len(consenting) - len(with_baseline),
        "with_baseline": len(with_baseline),
        "no_follow_up": len(with_baseline) - len(with_follow_up),
        "with_follow_up": len(with_follow_up),
        "outside_protocol": len(outside_pairs),
        "outside_protocol_excluded": len(with_follow_up) - len(analysed),
        "analysed": len(analysed),
        "zero_baseline": zero_baseline,
        "analysed_for_percentages": len(analysed) - zero_baseline,
    }


def _cadre_flow(trained: Collection[str], knowledge: Sequence[Scored]) -> dict[str, int]:
    trained_codes = set(trained) | {row.code for row in knowledge}
    scores = {row.code: row for row in knowledge}
    with_pre_test = [
        scores[code] for code in trained_codes if code in scores and scores[code].pre is not None
    ]
    with_post_test = [row for row in with_pre_test if row.post is not None]
    return {
        "trained": len(trained_codes),
        "no_pre_test": len(trained_codes) - len(with_pre_test),
        "with_pre_test": len(with_pre_test),
        "no_post_test": len(with_pre_test) - len(with_post_test),
        "with_post_test": len(with_post_test),
        "analysed": len(with_post_test),
    }
