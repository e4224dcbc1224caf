"""What the cadre is told when she reports a danger sign, and whom she calls: the midwives covering
the mother with a call and a WhatsApp link, how urgent each sign is (its data), and the
confirmation after a check is saved. It tells the truth: the midwife hears of it when the check
reaches the server (a message and her list), so the cadre calls her now, and an emergency goes to
the puskesmas or hospital first."""

import json
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kaderasi.care.contacts import Contact, contacts_of_users, midwives_of
from kaderasi.care.danger_sign_rules import (
    ALERTING,
    EMERGENCY,
    SAME_DAY,
    SEVERITY_RANK,
    most_severe,
)
from kaderasi.care.models import DangerSign, DangerSignReport, Flag, Mother
from kaderasi.care.stops import DANGER_SIGN_RULE

# Who a red sign reaches (`DangerCalls.told`): a midwife covering the mother; the programme's
# escalation contacts at once, because no midwife covering her can be reached; nobody at all.
TOLD_MIDWIFE = "midwife"
TOLD_ESCALATION = "escalation"
TOLD_NOBODY = "nobody"


@dataclass(frozen=True)
class DangerCalls:
    """Whom to call about a mother, the severity of each active sign, and who a red sign reaches
    (`told`) with the contacts to call when no midwife can be (`escalation`), for the screens."""

    midwives: list[Contact]
    severities: dict[str, str]
    told: str = TOLD_MIDWIFE
    escalation: tuple[Contact, ...] = ()

    @property
    def callable(self) -> list[Contact]:
        """Whom the cadre calls: the midwives, else the contacts told in their place."""
        return self.midwives if self.told == TOLD_MIDWIFE else list(self.escalation)

    @property
    def severities_json(self) -> str:
        return json.dumps(self.severities, separators=(",", ":"))

    @property
    def calls_json(self) -> str:
        """The midwives with a number, for the confirmation the offline app shows."""
        return json.dumps(
            [
                {
                    "name": contact.name,
                    "display": contact.phone_display,
                    "tel": contact.tel_url,
                    "whatsapp": contact.whatsapp_url,
                }
                for contact in self.callable
                if contact.phone
            ],
            separators=(",", ":"),
        )


def danger_calls_for(mother: Mother) -> DangerCalls:
    """The midwives covering `mother` (those with a number first), every active sign's severity,
    and who a red sign about her reaches (the reminders' own answer, so the screen says what the
    messages do)."""
    from kaderasi.reminders.danger_alerts import audience_of

    midwives = midwives_of([mother]).get(mother.pk, [])
    severities = dict(DangerSign.objects.filter(is_active=True).values_list("code", "severity"))
    audience = audience_of(mother)
    if not audience.uncovered:
        return DangerCalls(midwives=midwives, severities=severities)
    contacts = contacts_of_users(audience.escalation)
    escalation = tuple(contacts[user.pk] for user in audience.escalation)
    return DangerCalls(
        midwives=midwives,
        severities=severities,
        told=TOLD_ESCALATION if escalation else TOLD_NOBODY,
        escalation=escalation,
    )


def report_severity(report: DangerSignReport) -> str | None:
    """The most severe of the report's signs (None when none was ticked)."""
    severities = DangerSign.objects.filter(code__in=report.signs).values_list("severity", flat=True)
    return most_severe(severities)


def danger_report_confirmation(report: DangerSignReport) -> SafeString:
    """The message after a check with signs reached the server: an emergency says to take her to
    the puskesmas or hospital first; every red sign says to call the midwife now, with her
    number as a link; a review-only sign says the midwife reviews it."""
    severity = report_severity(report)
    danger_calls = danger_calls_for(report.mother)
    texts = danger_texts()
    parts = [texts["emergency"]] if severity == EMERGENCY else []
    parts.append(
        texts[f"sent_{danger_calls.told}"] if severity in ALERTING else texts["sent_review"]
    )
    calls = [c for c in danger_calls.callable if c.phone]
    links = format_html_join(
        " ",
        '<a class="btn danger" href="{}">📞 {} {}</a>',
        ((contact.tel_url, contact.name, contact.phone_display) for contact in calls),
    )
    return format_html("{} {}", " ".join(parts), links)


def danger_texts() -> dict[str, str]:
    """The sentences after a danger-sign check, in the active language, for the web page and
    the offline app alike: the emergency line, and what a check that reached the server did
    (`sent_` + who was told, or `sent_review` for a review-only sign)."""
    return {
        "emergency": _("Take her (or the baby) to the puskesmas or hospital now."),
        f"sent_{TOLD_MIDWIFE}": _(
            "Sent: the midwife sees it on her list now and gets a message. Call her now too."
        ),
        f"sent_{TOLD_ESCALATION}": _(
            "Sent, but no midwife in kaderasi can be reached for her village: the programme's "
            "coordinator gets a message now instead. Call now too."
        ),
        f"sent_{TOLD_NOBODY}": _(
            "Saved, but nobody in kaderasi can be told: no midwife or coordinator can be "
            "reached for her village. Take her to the puskesmas or call it now."
        ),
        "sent_review": _("Sent: the midwife sees it on her list and reviews it within 24 hours."),
    }


@dataclass(frozen=True)
class DangerSummary:
    """A danger-sign referral as the midwife's list shows it: how urgent, and the signs."""

    severity: str
    signs: list[str]

    @property
    def is_emergency(self) -> bool:
        return self.severity == EMERGENCY


def danger_summaries(referrals) -> dict[int, DangerSummary]:
    """Referral pk → its danger signs (those of every check listed under it) and the most severe
    one's severity, for the referrals of the danger-sign rule; in two queries."""
    referrals = [r for r in referrals if r.flag.rule.code == DANGER_SIGN_RULE]
    if not referrals:
        return {}
    flags = Flag.objects.filter(
        mother_id__in={r.mother_id for r in referrals},
        rule__code=DANGER_SIGN_RULE,
        danger_sign_report__isnull=False,
    ).select_related("danger_sign_report")
    codes_by_referral: dict[int, list[str]] = {r.pk: [] for r in referrals}
    for flag in flags:
        for referral in referrals:
            if flag.mother_id == referral.mother_id and flag.raised_at >= referral.opened_at:
                for code in flag.danger_sign_report.signs:
                    if code not in codes_by_referral[referral.pk]:
                        codes_by_referral[referral.pk].append(code)
    signs = {sign.code: sign for sign in DangerSign.objects.all()}
    summaries = {}
    for pk, codes in codes_by_referral.items():
        known = [signs[code] for code in codes if code in signs]
        known.sort(key=lambda sign: SEVERITY_RANK.get(sign.severity, 1))
        severity = most_severe(sign.severity for sign in known) or SAME_DAY
        summaries[pk] = DangerSummary(severity=severity, signs=[sign.text for sign in known])
    return summaries
