"""Care records, one module per concept; import models from here."""

from kaderasi.care.models.breastfeeding import LATCH_ITEMS, LatchObservation
from kaderasi.care.models.consents import Consent, ConsentGivenBy, ConsentSubject, ConsentText
from kaderasi.care.models.danger_signs import (
    DangerSeverity,
    DangerSign,
    DangerSignContext,
    DangerSignGroup,
    DangerSignReport,
)
from kaderasi.care.models.flags import (
    Flag,
    FlagRule,
    FlagSeverity,
    Referral,
    ReferralOutcome,
    ReferralStatus,
)
from kaderasi.care.models.guidance import Illustration, MassageStep
from kaderasi.care.models.measurements import (
    MAX_MILK_VOLUME_ML,
    BreastSide,
    Measurement,
    MeasurementKind,
    MilkBasis,
    MilkMethod,
    MilkPhase,
)
from kaderasi.care.models.mothers import Mother, StudyGroup
from kaderasi.care.models.pairings import Pairing, PairingEndReason
from kaderasi.care.models.pregnancies import (
    BirthOutcome,
    Delivery,
    DeliveryPlace,
    DeliveryType,
    Infant,
    InfantSex,
    Pregnancy,
)
from kaderasi.care.models.reads import MotherRead, ReadInterface
from kaderasi.care.models.sessions import (
    CancelReason,
    MassageSession,
    PerformedBy,
    ScheduledSession,
    SessionStatus,
    SkipReason,
)

__all__ = [
    "LATCH_ITEMS",
    "MAX_MILK_VOLUME_ML",
    "BirthOutcome",
    "BreastSide",
    "CancelReason",
    "Consent",
    "ConsentGivenBy",
    "ConsentSubject",
    "ConsentText",
    "DangerSeverity",
    "DangerSign",
    "DangerSignContext",
    "DangerSignGroup",
    "DangerSignReport",
    "Delivery",
    "DeliveryPlace",
    "DeliveryType",
    "Flag",
    "FlagRule",
    "FlagSeverity",
    "Illustration",
    "Infant",
    "InfantSex",
    "LatchObservation",
    "MassageSession",
    "MassageStep",
    "Measurement",
    "MeasurementKind",
    "MilkBasis",
    "MilkMethod",
    "MilkPhase",
    "Mother",
    "MotherRead",
    "Pairing",
    "PairingEndReason",
    "PerformedBy",
    "Pregnancy",
    "ReadInterface",
    "Referral",
    "ReferralOutcome",
    "ReferralStatus",
    "ScheduledSession",
    "SessionStatus",
    "SkipReason",
    "StudyGroup",
]
