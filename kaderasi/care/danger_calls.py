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

from kaderasi.care.contacts import Contact, midwives_of
from kaderasi.care.danger_sign_rules import EMERGENCY, SEVERITY_RANK, most_severe
from kaderasi.care.models import DangerSign, DangerSignReport, Mother


@dataclass(frozen=True)
class DangerCalls:
    """Whom to call about a mother, and the severity of each active sign (for the screens)."""

    midwives: list[Contact]
    severities: dict[str, str]

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
                for contact in self.midwives
                if contact.phone
            ],
            separators=(",", ":"),
        )


def danger_calls_for(mother: Mother) -> DangerCalls:
    """The midwives covering `mother` (those with a number first) and every active sign's
    severity."""
    midwives = midwives_of([mother]).get(mother.pk, [])
    severities = dict(DangerSign.objects.filter(is_active=True).values_list("code", "severity"))
    return DangerCalls(midwives=midwives, severities=severities)


def report_severity(report: DangerSignReport) -> str | None:
    """The most severe of the report's signs (None when none was ticked)."""
    severities = DangerSign.objects.filter(code__in=report.signs).values_list("severity", flat=True)
    return most_severe(severities)


def danger_report_confirmation(report: DangerSignReport) -> SafeString:
    """The message after a check with signs reached the server: an emergency says to take her to
    the puskesmas or hospital first; every red sign says to call the midwife now, with her
    number as a link; a review-only sign says the midwife reviews it."""
    severity = report_severity(report)
    parts = []
    if severity == EMERGENCY:
        parts.append(_("Take her (or the baby) to the puskesmas or hospital now."))
    if severity is not None and SEVERITY_RANK.get(severity, 1) <= SEVERITY_RANK["same_day"]:
        parts.append(
            _("Sent: the midwife sees it on her list now and gets a message. Call her now too.")
        )
    else:
        parts.append(_("Sent: the midwife sees it on her list and reviews it within 24 hours."))
    calls = [c for c in danger_calls_for(report.mother).midwives if c.phone]
    links = format_html_join(
        " ",
        '<a class="btn danger" href="{}">📞 {} {}</a>',
        ((contact.tel_url, contact.name, contact.phone_display) for contact in calls),
    )
    return format_html("{} {}", " ".join(parts), links)
