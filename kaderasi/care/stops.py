"""When the massage stops: a danger sign that stops the massage (DangerSign.stops_massage, data)
was reported, and the referral it opened is not closed yet. The one definition, read by the
write path (a session for a stopped mother is refused) and by every screen (the cadre sees
"Jangan pijat — rujuk ke bidan" instead of the session button)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from kaderasi.accounts.models import User
from kaderasi.care.models import DangerSign, Flag, Referral, ReferralStatus

DANGER_SIGN_RULE = "danger_sign"


@dataclass(frozen=True)
class MassageStop:
    """The open referral that stops the massage, and the check that raised it."""

    referral: Referral
    flag: Flag
    signs: tuple[str, ...]
    note: str
    reported_by: User | None
    observed_at: dt.datetime | None


def massage_stops_of(mother_ids: Iterable[int]) -> dict[int, MassageStop]:
    """Mother pk → the stop holding for her, for every mother of `mother_ids` whose massage is
    stopped; in three queries whatever the number of mothers (one when none has an open referral).

    A stop holds while a referral of the danger-sign rule is open or acknowledged and a flag of
    that rule raised since the referral opened names a sign that stops the massage (a later
    check of the same mother lists its flag under the referral already open). Closing the
    referral lifts it."""
    ids = list(mother_ids)
    if not ids:
        return {}
    referrals = {
        referral.mother_id: referral
        for referral in Referral.objects.filter(
            mother_id__in=ids,
            flag__rule__code=DANGER_SIGN_RULE,
            status__in=[ReferralStatus.OPEN, ReferralStatus.ACKNOWLEDGED],
        ).order_by("opened_at")
    }
    if not referrals:  # most mothers: no query more
        return {}
    stopping = set(DangerSign.objects.filter(stops_massage=True).values_list("code", flat=True))
    if not stopping:
        return {}
    flags = (
        Flag.objects.filter(mother_id__in=list(referrals), rule__code=DANGER_SIGN_RULE)
        .select_related("danger_sign_report__recorded_by")
        .order_by("-raised_at", "-pk")
    )
    stops: dict[int, MassageStop] = {}
    for flag in flags:
        referral = referrals[flag.mother_id]
        if flag.mother_id in stops or flag.raised_at < referral.opened_at:
            continue
        report = flag.danger_sign_report
        signs = tuple(report.signs if report is not None else flag.detail.get("signs", ()))
        if not stopping.intersection(signs):
            continue
        stops[flag.mother_id] = MassageStop(
            referral=referral,
            flag=flag,
            signs=signs,
            note=report.notes if report is not None else "",
            reported_by=report.recorded_by if report is not None else None,
            observed_at=report.observed_at if report is not None else None,
        )
    return stops
