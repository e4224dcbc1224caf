"""Writes to training records (one module per concept; the names below are the contracts other
apps and the demo call)."""

from kaderasi.training.services.certificates import (
    VERIFICATION_ALPHABET,
    add_months,
    certificate_issue,
    certificate_issue_check,
    certificate_revoke,
    certificates_issue_for_training,
    met_pass_rule,
    new_verification_code,
)
from kaderasi.training.services.content import (
    content_copy_as_new_version,
    standard_content_load,
)
from kaderasi.training.services.events import (
    participants_record,
    training_create,
    training_test_close,
    training_test_open,
    training_update,
    training_video_attach,
    training_video_remove,
)
from kaderasi.training.services.knowledge import (
    answer_sheets_record,
    test_answer_record,
    test_attempt_start,
    test_attempt_submit,
    total_scores_record,
)
from kaderasi.training.services.policies import training_policy_set
from kaderasi.training.services.skills import (
    ObservedAttempt,
    skill_assessment_record,
    skill_assessments_record_many,
)

__all__ = [
    "VERIFICATION_ALPHABET",
    "ObservedAttempt",
    "add_months",
    "answer_sheets_record",
    "certificate_issue",
    "certificate_issue_check",
    "certificate_revoke",
    "certificates_issue_for_training",
    "content_copy_as_new_version",
    "met_pass_rule",
    "new_verification_code",
    "participants_record",
    "skill_assessment_record",
    "skill_assessments_record_many",
    "standard_content_load",
    "test_answer_record",
    "test_attempt_start",
    "test_attempt_submit",
    "total_scores_record",
    "training_create",
    "training_policy_set",
    "training_test_close",
    "training_test_open",
    "training_update",
    "training_video_attach",
    "training_video_remove",
]
