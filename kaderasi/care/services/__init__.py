"""Writes to the care records (the only code that saves care models). Import from here:
`from kaderasi.care.services import measurement_record`.

Measurements, massage sessions, danger-sign checks and LATCH scores have one write path,
`care_records_write` (batch-native): the web forms, the admin, the sync push and the workbook
import all call it; `measurement_record`, `massage_session_record` and `danger_signs_report`
are that path for one record."""

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
from kaderasi.care.services.reads import mother_reads_record
from kaderasi.care.services.recording import (
    CareRecord,
    DangerSignsRecord,
    JudgedRecords,
    LatchScoreRecord,
    MassageSessionRecord,
    MeasurementRecord,
    OutcomeStatus,
    RecordOutcome,
    care_record_check,
    care_record_write,
    care_records_judge,
    care_records_store,
    care_records_write,
    mothers_lock,
)
from kaderasi.care.services.records import (
    CompletedPairing,
    consent_give,
    consent_withdraw,
    delivery_record,
    delivery_validate,
    infant_record,
    massage_session_record,
    measurement_record,
    pairing_end,
    pairing_start,
    pairings_completed_record,
)
from kaderasi.care.services.schedule import (
    schedule_reconcile,
    schedule_sweep,
    schedules_reconcile_programme,
)

__all__ = [
    "PLAUSIBLE_RANGES",
    "CareRecord",
    "CompletedPairing",
    "DangerSignsRecord",
    "JudgedRecords",
    "LatchScoreRecord",
    "MassageSessionRecord",
    "MeasurementRecord",
    "OutcomeStatus",
    "RecordOutcome",
    "care_record_check",
    "care_record_write",
    "care_records_judge",
    "care_records_store",
    "care_records_write",
    "consent_give",
    "consent_withdraw",
    "danger_signs_report",
    "delivery_and_infant_record",
    "delivery_record",
    "delivery_validate",
    "flags_raise",
    "infant_record",
    "massage_session_record",
    "measurement_record",
    "mother_reads_record",
    "mother_register",
    "mothers_lock",
    "pairing_assign",
    "pairing_end",
    "pairing_reassign",
    "pairing_start",
    "pairings_completed_record",
    "pregnancy_record",
    "referral_acknowledge",
    "referral_close",
    "schedule_reconcile",
    "schedule_sweep",
    "schedules_reconcile_programme",
]
