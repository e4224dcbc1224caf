"""Input forms of the care pages. The record forms (session, measurements, danger signs) carry
exactly the field names of the sync API's records, so the offline app can queue the same form."""

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from kaderasi.care.latch import LATCH_ITEMS, LATCH_QUESTIONS
from kaderasi.care.models import (
    BirthOutcome,
    BreastSide,
    ConsentGivenBy,
    DangerSignContext,
    DeliveryPlace,
    DeliveryType,
    InfantSex,
    MeasurementKind,
    MilkBasis,
    MilkMethod,
    MilkPhase,
    PairingEndReason,
    PerformedBy,
    ReferralOutcome,
    SkipReason,
    StudyGroup,
)
from kaderasi.care.plausibility import PLAUSIBLE_RANGES
from kaderasi.core.number_fields import TypedNumberField
from kaderasi.core.phones import PhoneNumberFormField

nik_field_validator = RegexValidator(
    r"^\d{16}$", _("A NIK has exactly 16 digits."), code="invalid_nik"
)

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices) -> list:
    return [("", "—"), *choices]


class RecordForm(forms.Form):
    """The two fields every offline record has: its id (a UUID the browser generates) and the
    mother's public id."""

    id = forms.UUIDField(widget=forms.HiddenInput)
    mother_id = forms.UUIDField(widget=forms.HiddenInput)


class OffsetDateTimeInput(forms.HiddenInput):
    """A hidden ISO 8601 time with its UTC offset, kept in step by care/records.js with a visible
    local-time picker that has no name (so only the contract's field is posted)."""

    def format_value(self, value):
        if hasattr(value, "isoformat"):
            return value.isoformat(timespec="seconds")
        return value


class MassageSessionForm(RecordForm):
    started_at = forms.DateTimeField(label=_("Started at"), widget=OffsetDateTimeInput)
    ended_at = forms.DateTimeField(label=_("Ended at"), widget=OffsetDateTimeInput)
    performed_by = forms.ChoiceField(
        label=_("Who massaged"), choices=PerformedBy.choices, widget=forms.RadioSelect
    )
    steps_done = forms.CharField(label=_("Steps done"), required=False)
    comfort = forms.TypedChoiceField(
        label=_("How comfortable was the mother? (1 = very uncomfortable, 5 = very comfortable)"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    complaints = forms.CharField(
        label=_("Complaints"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    adverse_event = forms.CharField(
        label=_("Adverse event (pain, dizziness, bruising…)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, steps: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = list(steps)

    def clean_steps_done(self) -> list[int]:
        """A repeated field or one comma-separated value, of known step numbers."""
        values = self.data.getlist("steps_done") if hasattr(self.data, "getlist") else []
        numbers: list[int] = []
        for value in values:
            for part in str(value).split(","):
                part = part.strip()
                if not part:
                    continue
                if not part.isdigit() or (self.steps and int(part) not in self.steps):
                    raise forms.ValidationError(
                        _("Unknown step: %(step)s."), code="unknown_step", params={"step": part}
                    )
                numbers.append(int(part))
        return sorted(set(numbers))


class MilkVolumeForm(RecordForm):
    measured_at = forms.DateTimeField(label=_("Measured at"), widget=OffsetDateTimeInput)
    # The service checks the plausible range (one rule for every interface); the bounds are
    # shown to the offline app, which refuses what the server would refuse before queueing.
    volume_ml = TypedNumberField(
        label=_("Milk volume (ml)"),
        places=1,
        bounds=PLAUSIBLE_RANGES[MeasurementKind.MILK_VOLUME],
    )
    method = forms.ChoiceField(label=_("Method"), choices=MilkMethod.choices)
    basis = forms.ChoiceField(
        label=_("What the volume covers"),
        choices=MilkBasis.choices,
        initial=MilkBasis.SINGLE_EXPRESSION,
        help_text=_("Only a 24-hour estimate is compared with the norms for the day."),
    )
    side = forms.ChoiceField(label=_("Breast"), choices=_blank(BreastSide.choices), required=False)
    phase = forms.ChoiceField(
        label=_("Baseline or follow-up"), choices=_blank(MilkPhase.choices), required=False
    )
    expression_minutes = TypedNumberField(
        label=_("Expression took (minutes)"),
        required=False,
        min_value=0,
        max_value=240,
    )
    minutes_since_feed = TypedNumberField(
        label=_("Minutes since the last feed or expression"),
        required=False,
        min_value=0,
        max_value=24 * 60,
    )


VALUE_LABELS = {
    MeasurementKind.FEEDS: _("Feeds in the last 24 hours"),
    MeasurementKind.WET_NAPPIES: _("Wet nappies in the last 24 hours"),
    MeasurementKind.STOOLS: _("Stools in the last 24 hours"),
    MeasurementKind.INFANT_WEIGHT: _("Infant weight (g)"),
}


# Decimals each kind takes: counts are whole numbers (the push takes an integer), a weight in
# grams may have one decimal.
VALUE_PLACES = {
    MeasurementKind.FEEDS: 0,
    MeasurementKind.WET_NAPPIES: 0,
    MeasurementKind.STOOLS: 0,
    MeasurementKind.INFANT_WEIGHT: 1,
}


class MeasurementValueForm(RecordForm):
    measured_at = forms.DateTimeField(label=_("Measured at"), widget=OffsetDateTimeInput)

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        # The service checks the plausible range; the offline app is shown the bounds.
        self.fields["value"] = TypedNumberField(
            label=VALUE_LABELS[kind], places=VALUE_PLACES[kind], bounds=PLAUSIBLE_RANGES[kind]
        )
        # Keep the contract's field order: the value first, then its time.
        self.order_fields(["id", "mother_id", "value", "measured_at"])


class DangerSignsForm(RecordForm):
    observed_at = forms.DateTimeField(label=_("Checked at"), widget=OffsetDateTimeInput)
    context = forms.ChoiceField(
        choices=DangerSignContext.choices,
        initial=DangerSignContext.DAILY_CHECK,
        widget=forms.HiddenInput,
    )
    signs = forms.MultipleChoiceField(
        label=_("Signs present"), required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, signs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signs"].choices = [(sign.code, sign.text) for sign in signs]


class MotherRegisterForm(forms.Form):
    STAGES = [("pregnant", _("Pregnant")), ("delivered", _("Has given birth"))]

    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)
    posyandu = forms.ModelChoiceField(label=_("Posyandu"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=120)
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        validators=[nik_field_validator],
        help_text=_("Optional. 16 digits, from her KTP or KK."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = PhoneNumberFormField(
        label=_("Phone number"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    stage = forms.ChoiceField(
        label=_("She is"), choices=STAGES, initial="pregnant", widget=forms.RadioSelect
    )
    last_menstrual_period = forms.DateField(
        label=_("First day of last menstrual period (HPHT)"), required=False, widget=DATE
    )
    estimated_delivery_date = forms.DateField(
        label=_("Estimated delivery date (HPL)"),
        required=False,
        widget=DATE,
        help_text=_(
            "Left empty, it is computed from the HPHT by Naegele's rule (+7 days, −3 months, "
            "+1 year); change it when an ultrasound dates the pregnancy."
        ),
    )
    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=32,
        help_text=_("Leave empty to number her automatically (M001, M002, …)."),
    )
    group = forms.ChoiceField(
        label=_("Study group"), choices=StudyGroup.choices, initial=StudyGroup.INTERVENTION
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("I checked: she is not the mother already registered"), required=False
    )

    def __init__(self, *args, programmes, posyandus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["posyandu"].queryset = posyandus
        if programmes.count() == 1:
            self.fields["programme"].initial = programmes.first()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("last_menstrual_period") and not cleaned.get("estimated_delivery_date"):
            self.add_error(
                "last_menstrual_period",
                _("Enter the last menstrual period or the estimated delivery date (Buku KIA)."),
            )
        return cleaned


class PregnancyForm(forms.Form):
    last_menstrual_period = MotherRegisterForm.base_fields["last_menstrual_period"]
    estimated_delivery_date = MotherRegisterForm.base_fields["estimated_delivery_date"]


class ConsentGiveForm(forms.Form):
    given_by = forms.ChoiceField(
        label=_("Consent given by"), choices=ConsentGivenBy.choices, widget=forms.RadioSelect
    )
    given_at = forms.DateTimeField(label=_("Given at"), widget=LOCAL_DATETIME)
    text_read = forms.BooleanField(
        label=_("I read this text to her and she agreed"),
        error_messages={"required": _("Read the text to her first; consent needs it.")},
    )


class ConsentWithdrawForm(forms.Form):
    withdrawn_at = forms.DateTimeField(label=_("Withdrawn at"), widget=LOCAL_DATETIME)
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeliveryForm(forms.Form):
    delivered_at = forms.DateTimeField(label=_("Date and time of birth"), widget=LOCAL_DATETIME)
    delivery_type = forms.ChoiceField(
        label=_("Type of delivery"), choices=DeliveryType.choices, widget=forms.RadioSelect
    )
    parity = TypedNumberField(
        label=_("Parity"),
        required=False,
        min_value=1,
        max_value=20,
        help_text=_("Number of births including this one."),
    )
    place = forms.ChoiceField(
        label=_("Place of delivery"), choices=_blank(DeliveryPlace.choices), required=False
    )
    early_initiation = forms.NullBooleanField(
        label=_("Early initiation of breastfeeding (IMD) done"),
        required=False,
        widget=forms.NullBooleanSelect,
    )


class InfantForm(forms.Form):
    sex = forms.ChoiceField(label=_("Sex"), choices=InfantSex.choices, widget=forms.RadioSelect)
    birth_weight_g = TypedNumberField(
        label=_("Birth weight (g)"),
        required=False,
        min_value=300,
        max_value=6500,
    )


class DeliveryFollowupForm(forms.Form):
    """What the midwife records after the birth: her first postnatal check (the first massage
    waits for it when the programme asks), the gestational age she assessed, and a birth outcome
    that stops the massage."""

    first_postnatal_check_at = forms.DateTimeField(
        label=_("First postnatal check (KF1) done at"), required=False, widget=LOCAL_DATETIME
    )
    gestational_age_weeks = TypedNumberField(
        label=_("Gestational age at birth (completed weeks)"),
        required=False,
        min_value=22,
        max_value=44,
        help_text=_("Leave empty to derive it from the HPHT or HPL."),
    )
    birth_outcome = forms.ChoiceField(
        label=_("Birth outcome that ends the massage"),
        choices=[("", _("None: mother and baby are together")), *BirthOutcome.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    birth_outcome_at = forms.DateTimeField(
        label=_("Known since"),
        required=False,
        widget=LOCAL_DATETIME,
        help_text=_("Empty: now."),
    )


class SessionSkipForm(RecordForm):
    """A planned session not given, with the reason: a refusal is recorded, not referred. Its
    fields are the push record `session_skip`'s (the offline app queues it)."""

    scheduled_session_id = forms.ChoiceField(label=_("Session"), widget=forms.RadioSelect)
    reason = forms.ChoiceField(
        label=_("Why is the session not given?"),
        choices=SkipReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the reason is “Other”."),
    )
    skipped_at = forms.DateTimeField(label=_("Recorded at"), widget=OffsetDateTimeInput)

    def __init__(self, *args, candidates: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheduled_session_id"].choices = candidates


class MilkOnsetForm(RecordForm):
    """The mother's answer: has her milk come in (breasts full and heavy, milk leaking)? Its
    fields are the push record `milk_onset`'s (the offline app queues it)."""

    came_in = forms.TypedChoiceField(
        label=_("Has her milk come in? (breasts feel full and heavy, milk leaks or drips)"),
        choices=[("yes", _("Yes")), ("no", _("Not yet"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    at = forms.DateTimeField(
        label=_("Since (yes) or asked at (not yet)"), widget=OffsetDateTimeInput
    )


class LatchScoreForm(RecordForm):
    """A feed scored with LATCH (care/latch.py); the fields are the push record `latch_score`'s.
    The items are whole numbers here; the write path judges 0 to 2, as for the phone."""

    observed_at = forms.DateTimeField(label=_("Feed observed at"), widget=OffsetDateTimeInput)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label, looks in LATCH_QUESTIONS:
            self.fields[name] = forms.IntegerField(
                label=label,
                widget=forms.RadioSelect(
                    choices=[(score, f"{score} · {text}") for score, text in enumerate(looks)]
                ),
            )
        self.order_fields(["id", "mother_id", *LATCH_ITEMS, "observed_at"])


class PairingForm(forms.Form):
    cadre = forms.ChoiceField(label=_("Cadre"), widget=forms.RadioSelect)
    starts_at = forms.DateTimeField(label=_("From"), widget=LOCAL_DATETIME)
    override_reason = forms.CharField(
        label=_("Reason for pairing a cadre without a valid certificate"),
        required=False,
        help_text=_("Only a coordinator can record this."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(c.cadre.public_id): c for c in candidates}
        self.fields["cadre"].choices = [(key, str(c.cadre)) for key, c in self.candidates.items()]

    def clean_cadre(self):
        return self.candidates[self.cleaned_data["cadre"]].cadre


class PairingEndForm(forms.Form):
    ends_at = forms.DateTimeField(label=_("Ended at"), widget=LOCAL_DATETIME)
    reason = forms.ChoiceField(
        label=_("Why"),
        choices=[
            (PairingEndReason.COMPLETED, PairingEndReason.COMPLETED.label),
            (PairingEndReason.WITHDRAWN, PairingEndReason.WITHDRAWN.label),
            (PairingEndReason.OTHER, PairingEndReason.OTHER.label),
        ],
        widget=forms.RadioSelect,
    )


class ReferralCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ReferralOutcome.choices, widget=forms.RadioSelect
    )
    action_taken = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class VillageFilterForm(forms.Form):
    q = forms.CharField(label=_("Search name or code"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    village = forms.TypedChoiceField(
        label=_("Village"), required=False, coerce=int, empty_value=None
    )
    flagged = forms.BooleanField(label=_("Open flags only"), required=False)
    unpaired = forms.BooleanField(label=_("Without a cadre"), required=False)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, stages, villages, sorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = stages
        self.fields["village"].choices = [("", _("All villages"))] + [
            (village.pk, village.name) for village in villages
        ]
        self.fields["sort"].choices = [(key, key) for key in sorts]
