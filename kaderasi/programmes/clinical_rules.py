"""Whether a programme's clinical rules are approved by a midwife, or still proposals (issue 19).

The rules are data shared by every programme (flag rules, danger signs, milk references) plus the
programme's own clinical protocol (`CLINICAL_PROTOCOL_FIELDS`: sessions a day, minutes, days, the
first massage's timing, the postnatal visits) and its training policy (pass marks, must-pass
items). An approval covers them as they were when it was recorded: a rule or the policy edited
afterwards, or a protocol that no longer equals the one approved, makes the rules proposals again
until a midwife approves the change."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max

from kaderasi.programmes.models import ClinicalRulesApproval, Programme


@dataclass(frozen=True)
class ClinicalRulesStatus:
    approval: ClinicalRulesApproval | None
    changed_since: bool

    @property
    def approved(self) -> bool:
        return self.approval is not None and not self.changed_since


def _last_rule_edit():
    from kaderasi.care.models import DangerSign, FlagRule
    from kaderasi.evaluation.models import MilkVolumeReference

    edits = [
        model.objects.aggregate(last=Max("updated_at"))["last"]
        for model in (FlagRule, DangerSign, MilkVolumeReference)
    ]
    return max((edit for edit in edits if edit is not None), default=None)


def _policy_edits(programme_ids) -> dict[int, object]:
    from kaderasi.training.models import TrainingPolicy

    return dict(
        TrainingPolicy.objects.filter(programme_id__in=programme_ids).values_list(
            "programme_id", "updated_at"
        )
    )


def clinical_rules_statuses(programmes: Iterable[Programme]) -> dict[int, ClinicalRulesStatus]:
    """Programme pk → its status (`clinical_rules_status`), in five queries however many
    programmes: the last rule edit is read once."""
    statuses: dict[int, ClinicalRulesStatus] = {}
    approvals: dict[int, ClinicalRulesApproval] = {}
    programmes = list(programmes)
    by_pk = {programme.pk: programme for programme in programmes}
    ids = list(by_pk)
    for approval in (
        ClinicalRulesApproval.objects.filter(programme_id__in=ids)
        .select_related("approved_by")
        .order_by("-approved_on", "-created_at")
    ):
        approvals.setdefault(approval.programme_id, approval)
    last_edit = _last_rule_edit() if approvals else None
    policy_edits = _policy_edits(list(approvals)) if approvals else {}
    for pk in ids:
        approval = approvals.get(pk)
        policy_edit = policy_edits.get(pk)
        statuses[pk] = ClinicalRulesStatus(
            approval=approval,
            changed_since=approval is not None
            and (
                (last_edit is not None and last_edit > approval.created_at)
                or (policy_edit is not None and policy_edit > approval.created_at)
                or approval.protocol != by_pk[pk].clinical_protocol()
            ),
        )
    return statuses


def clinical_rules_status(programme: Programme) -> ClinicalRulesStatus:
    """The approval in force for `programme` (its latest), and whether a rule, the protocol or
    the training policy changed after it was recorded. Five queries."""
    return clinical_rules_statuses([programme])[programme.pk]


def clinical_rules_approved_for_all(programmes: Iterable[Programme]) -> bool:
    """Whether every one of `programmes` (at least one) has its clinical rules approved: the
    booklet a reader sees is shared, so it shows them as approved only when all her programmes
    approved them."""
    statuses = clinical_rules_statuses(programmes)
    return bool(statuses) and all(status.approved for status in statuses.values())
