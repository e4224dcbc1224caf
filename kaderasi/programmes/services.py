"""Writes of the programmes app."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaderasi.accounts.models import Role, User
from kaderasi.core.errors import DomainError
from kaderasi.programmes.errors import ProgrammeErrorCode
from kaderasi.programmes.models import ClinicalRulesApproval, Programme


def clinical_rules_approval_check(*, midwife: User, approved_on: dt.date, now: dt.datetime) -> None:
    """The checks of `clinical_rules_approve`, for forms that report them on their fields: the
    approver is a midwife, and the date is not in the future (in the local calendar of `now`)."""
    if midwife.role != Role.MIDWIFE:
        raise DomainError(
            ProgrammeErrorCode.APPROVER_NOT_A_MIDWIFE,
            _("The clinical rules are approved by a midwife: choose a midwife's account."),
            field="approved_by",
        )
    if approved_on > timezone.localdate(now):
        raise DomainError(
            ProgrammeErrorCode.APPROVAL_IN_THE_FUTURE,
            _("The approval date cannot be in the future."),
            field="approved_on",
        )


@transaction.atomic
def clinical_rules_approve(
    *,
    programme: Programme,
    midwife: User,
    approved_on: dt.date,
    note: str = "",
    by: User | None,
    now: dt.datetime,
) -> ClinicalRulesApproval:
    """Record that `midwife` reviewed and approved `programme`'s clinical rules on
    `approved_on` (checked by `clinical_rules_approval_check`), with the programme's clinical
    protocol as it stands. From then on the pages no longer call the rules proposals, until a
    rule, the protocol or the training policy is edited."""
    clinical_rules_approval_check(midwife=midwife, approved_on=approved_on, now=now)
    return ClinicalRulesApproval.objects.create(
        programme=programme,
        approved_by=midwife,
        approved_on=approved_on,
        note=note.strip(),
        recorded_by=by,
        protocol=programme.clinical_protocol(),
    )
