"""The API's input and output shapes. Inputs are strict: typed, bounded, unknown fields refused."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from ninja import Schema
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from kaderasi.api.push import RECORD_TYPES
from kaderasi.care.models import (
    BreastSide,
    DangerSignContext,
    DeliveryPlace,
    DeliveryType,
    InfantSex,
    MilkBasis,
    MilkMethod,
    MilkPhase,
    PerformedBy,
    ReferralStatus,
    SessionStatus,
)
from kaderasi.care.selectors import MotherStage

# The codes shared by the import workbook, the API and the UI (DESIGN.md), built from the
# models' choices so that they cannot drift. A type checker cannot read a Literal built at run
# time: to it each code is a string, which pydantic checks against the choices.
if TYPE_CHECKING:
    MethodCode: TypeAlias = str
    BasisCode: TypeAlias = str
    PhaseCode: TypeAlias = str
    SideCode: TypeAlias = str
    PerformedByCode: TypeAlias = str
    ContextCode: TypeAlias = str
    DeliveryTypeCode: TypeAlias = str
    DeliveryPlaceCode: TypeAlias = str
    InfantSexCode: TypeAlias = str
    StageCode: TypeAlias = str
    SessionStatusCode: TypeAlias = str
    ReferralStatusCode: TypeAlias = str
else:
    MethodCode = Literal[tuple(MilkMethod.values)]
    BasisCode = Literal[tuple(MilkBasis.values)]
    PhaseCode = Literal[tuple(MilkPhase.values)]
    SideCode = Literal[tuple(BreastSide.values)]
    PerformedByCode = Literal[tuple(PerformedBy.values)]
    ContextCode = Literal[tuple(DangerSignContext.values)]
    DeliveryTypeCode = Literal[(*DeliveryType.values, "")]
    DeliveryPlaceCode = Literal[(*DeliveryPlace.values, "")]
    InfantSexCode = Literal[tuple(InfantSex.values)]
    StageCode = Literal[tuple(MotherStage.values)]
    SessionStatusCode = Literal[tuple(SessionStatus.values)]
    ReferralStatusCode = Literal[tuple(ReferralStatus.values)]

TEXT_MAX = 2000
MAX_SOP_STEP = 50


# An input: JSON only, unknown fields refused. A plain pydantic model, not ninja's Schema: Schema
# reads ORM objects (an input never is one) and, forbidding extra fields, validated every record
# twice, a tenth of a 200-record push (decision 0140).
class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- errors ----------------------------------------------------------------------------------


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorsOut(ErrorOut):
    """One error, the first of `errors` when a request has several (each naming its field)."""

    errors: list[ErrorOut] = []


# --- tokens ----------------------------------------------------------------------------------


class TokenIn(Strict):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)
    device_name: str = Field(
        min_length=1, max_length=80, description="e.g. 'HP Wati (Samsung A03)'"
    )


class TokenOut(Schema):
    token: str = Field(description="Send as `Authorization: Bearer <token>`; shown only once.")
    expires_at: dt.datetime


class DeviceTokenOut(Schema):
    id: uuid.UUID
    device_name: str
    hint: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class MeOut(Schema):
    id: uuid.UUID
    username: str
    name: str
    role: str
    preferred_language: str


# --- push ------------------------------------------------------------------------------------


class RecordIn(Strict):
    id: uuid.UUID = Field(description="Generated on the phone; the same id re-sent is a duplicate.")
    mother_id: uuid.UUID


class MilkVolumeIn(RecordIn):
    type: Literal["milk_volume"]
    measured_at: AwareDatetime
    volume_ml: Annotated[
        Decimal,
        Field(decimal_places=1, description="Millilitres; the plausible range is the care rules'."),
    ]
    method: MethodCode
    basis: BasisCode
    side: SideCode | None = None
    phase: PhaseCode | None = None
    expression_minutes: int | None = Field(default=None, ge=0, le=240)
    minutes_since_feed: int | None = Field(default=None, ge=0, le=24 * 60)


class CountIn(RecordIn):
    type: Literal["feeds", "wet_nappies", "stools"]
    measured_at: AwareDatetime
    value: int = Field(description="Count in the last 24 hours.")


class InfantWeightIn(RecordIn):
    type: Literal["infant_weight"]
    measured_at: AwareDatetime
    value: Annotated[Decimal, Field(decimal_places=1, description="Grams.")]


class MassageSessionIn(RecordIn):
    type: Literal["massage_session"]
    started_at: AwareDatetime
    ended_at: AwareDatetime
    performed_by: PerformedByCode
    steps_done: list[Annotated[int, Field(ge=1, le=MAX_SOP_STEP)]] = Field(
        max_length=MAX_SOP_STEP, description="Numbers of the SOP steps done."
    )
    comfort: int | None = Field(default=None, description="1 (very uncomfortable) to 5.")
    complaints: str = Field(default="", max_length=TEXT_MAX)
    adverse_event: str = Field(default="", max_length=TEXT_MAX)
    notes: str = Field(default="", max_length=TEXT_MAX)
    scheduled_session_id: uuid.UUID | None = None


class DangerSignsIn(RecordIn):
    type: Literal["danger_signs"]
    observed_at: AwareDatetime
    context: ContextCode = Field(
        default=DangerSignContext.DAILY_CHECK,
        description="`before_massage`: the questions of the guided session; else a daily check.",
    )
    signs: list[Annotated[str, Field(min_length=1, max_length=60)]] = Field(
        default=[],
        max_length=50,
        description="Codes of the signs answered yes; empty for a check that found none. "
        "Any sign raises a flag and a referral to the midwife: red for an emergency or same-day "
        "sign (the midwife is alerted at once), amber when every sign asks for a review within "
        "24 hours. A sign that stops the massage refuses later sessions until she closes it.",
    )
    notes: str = Field(default="", max_length=TEXT_MAX)


class LatchScoreIn(RecordIn):
    type: Literal["latch_score"]
    observed_at: AwareDatetime
    # Each item is scored 0, 1 or 2; the care rules judge the range (the web form's words).
    latch: int = Field(description="L: how the baby latches, 0-2.")
    audible_swallowing: int = Field(description="A: audible swallowing, 0-2.")
    nipple_type: int = Field(description="T: type of nipple, 0-2.")
    comfort: int = Field(description="C: comfort of breast and nipple, 0-2.")
    hold: int = Field(description="H: hold (positioning), 0-2.")
    notes: str = Field(default="", max_length=TEXT_MAX)


class SessionSkipIn(RecordIn):
    type: Literal["session_skip"]
    scheduled_session_id: uuid.UUID = Field(description="The planned session not given.")
    reason: str = Field(max_length=60, description="A skip reason code; the care rules judge it.")
    note: str = Field(default="", max_length=500, description="Needed for the reason `other`.")
    skipped_at: AwareDatetime = Field(description="When the cadre recorded it.")


class MilkOnsetIn(RecordIn):
    type: Literal["milk_onset"]
    came_in: bool = Field(description="True: her milk has come in (since `at`); False: not yet.")
    at: AwareDatetime


# In an edit, a field left out is not edited and a field sent as null is refused: pydantic
# validates only the fields that were sent, so their default None lies outside their type (the
# `type: ignore[assignment]` below say exactly that).
class RegistryEditIn(RecordIn):
    base_version: AwareDatetime = Field(
        description="The `version` of the edited row in your last pull."
    )


class MotherEditIn(RegistryEditIn):
    type: Literal["mother_edit"]
    phone: str = Field(default=None, max_length=30, description="Empty to remove.")  # type: ignore[assignment]
    birth_date: dt.date | None = None


class DeliveryEditIn(RegistryEditIn):
    type: Literal["delivery_edit"]
    delivered_at: AwareDatetime = None  # type: ignore[assignment]
    delivery_type: DeliveryTypeCode = None  # type: ignore[assignment]
    parity: int | None = Field(default=None, ge=1, le=20)
    place: DeliveryPlaceCode = None  # type: ignore[assignment]
    early_initiation: bool | None = None


class InfantEditIn(RegistryEditIn):
    type: Literal["infant_edit"]
    infant_id: uuid.UUID
    sex: InfantSexCode = None  # type: ignore[assignment]
    birth_weight_g: int | None = Field(default=None, ge=300, le=6500)


PushRecordIn = Annotated[
    MilkVolumeIn
    | CountIn
    | InfantWeightIn
    | MassageSessionIn
    | DangerSignsIn
    | LatchScoreIn
    | SessionSkipIn
    | MilkOnsetIn
    | MotherEditIn
    | DeliveryEditIn
    | InfantEditIn,
    Field(discriminator="type"),
]


class PushIn(Strict):
    records: list[PushRecordIn] = Field(
        max_length=500, description=f"At most 500 records; types: {', '.join(RECORD_TYPES)}."
    )


# Read from the push's answers (plain dataclasses): a pydantic model reading attributes, without
# ninja's Schema, which wraps every object it reads to read Django's too (decision 0140).
class RecordResultOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: Literal["created", "duplicate", "rejected"]
    errors: list[ErrorOut] = []
    conflicts: list[str] = Field(
        default=[], description="Fields of a registry edit kept for the midwife to decide."
    )


class PushOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    results: list[RecordResultOut]


# --- pull ------------------------------------------------------------------------------------


class CadreOut(Schema):
    id: uuid.UUID
    code: str
    name: str


class ProtocolOut(Schema):
    sessions_per_day: int
    session_minutes_min: int
    session_minutes_max: int
    protocol_days: int
    start_postpartum_day: int


class PregnancyOut(Schema):
    id: uuid.UUID
    version: str
    last_menstrual_period: dt.date | None
    estimated_delivery_date: dt.date | None


class InfantOut(Schema):
    id: uuid.UUID
    version: str
    sex: str
    birth_weight_g: int | None


class DeliveryOut(Schema):
    id: uuid.UUID
    version: str
    delivered_at: dt.datetime
    delivery_type: str
    parity: int | None
    place: str
    early_initiation: bool | None
    infants: list[InfantOut]


class MotherOut(Schema):
    id: uuid.UUID
    version: str = Field(description="Send as `base_version` with an edit of this row.")
    code: str
    name: str
    phone: str
    birth_date: dt.date | None
    programme: str
    posyandu: str
    stage: StageCode
    postpartum_day: int | None = Field(
        description="At `computed_at`; recompute from `delivery.delivered_at` (day 1 = first 24 h)."
    )
    gestational_age_days: int | None
    computed_at: dt.datetime
    accompaniment_open: bool
    screens_kept: bool = Field(
        description="Keep her screens for use without a signal: her accompaniment is open or "
        "her puerperium (42 days after the birth) is not over."
    )
    cadre: CadreOut | None
    protocol: ProtocolOut
    pregnancy: PregnancyOut | None
    delivery: DeliveryOut | None


class ScheduledSessionOut(Schema):
    id: uuid.UUID
    mother_id: uuid.UUID
    postpartum_day: int
    slot: int
    window_starts_at: dt.datetime
    window_ends_at: dt.datetime
    cancelled_at: dt.datetime | None = Field(description="Set: remove this session.")
    status: SessionStatusCode
    version: str


class FlagOut(Schema):
    id: uuid.UUID
    mother_id: uuid.UUID
    rule: str
    severity: str
    title: str
    raised_at: dt.datetime
    is_open: bool = Field(description="False: the referral was closed; remove this flag.")
    referral_status: ReferralStatusCode | None
    version: str


class TombstoneOut(Schema):
    type: Literal["mother"]
    id: uuid.UUID


class ContentOut(Schema):
    version: str = Field(description="Refresh the cached booklet and SOP pages when it changes.")
    sources: dict[str, str]


class PullOut(Schema):
    cursor: str = Field(description="Opaque; send it with the next pull.")
    reset: bool = Field(description="True: replace everything kept from earlier pulls.")
    has_more: bool = Field(description="True: pull again at once with the new cursor.")
    server_time: dt.datetime
    mothers: list[MotherOut]
    schedule: list[ScheduledSessionOut]
    flags: list[FlagOut]
    tombstones: list[TombstoneOut]
    content: ContentOut


class MotherDetailOut(Schema):
    mother: MotherOut
    schedule: list[ScheduledSessionOut]
    flags: list[FlagOut]
