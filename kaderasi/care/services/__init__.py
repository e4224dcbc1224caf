"""Writes to the care records (the only code that saves care models). Import from here:
`from kaderasi.care.services import measurement_record`."""

from kaderasi.care.plausibility import PLAUSIBLE_RANGES
from kaderasi.care.services.enrolment import (
    danger_signs_report,
    delivery_and_infant_record,
    mother_register,
    pairing_assign,
    pairing_reassign,
    pregnancy_record,
)
from kaderasi.care.services.flags import flags_raise, referral_acknowledge, referral_close
from kaderasi.care.services.records import (
    consent_give,
    consent_withdraw,
    delivery_record,
    delivery_validate,
    infant_record,
    massage_session_record,
    massage_session_validate,
    measurement_record,
    measurement_validate,
    milk_phase_validate,
    pairing_end,
    pairing_start,
    records_judge_stored,
)
from kaderasi.care.services.schedule import (
    schedule_reconcile,
    schedule_sweep,
    schedules_reconcile_programme,
)

__all__ = [
    "PLAUSIBLE_RANGES",
    "consent_give",
    "consent_withdraw",
    "danger_signs_report",
    "delivery_and_infant_record",
    "delivery_record",
    "delivery_validate",
    "flags_raise",
    "infant_record",
    "massage_session_record",
    "massage_session_validate",
    "measurement_record",
    "measurement_validate",
    "milk_phase_validate",
    "mother_register",
    "pairing_assign",
    "pairing_end",
    "pairing_reassign",
    "pairing_start",
    "pregnancy_record",
    "records_judge_stored",
    "referral_acknowledge",
    "referral_close",
    "schedule_reconcile",
    "schedule_sweep",
    "schedules_reconcile_programme",
]
