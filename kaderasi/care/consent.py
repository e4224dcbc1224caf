"""Whether a mother's or infant's data may be processed (UU PDP): reads only."""

from django.db.models import Exists, OuterRef, Q

from kaderasi.care.models import Consent, ConsentSubject, MeasurementKind, Mother

INFANT_KINDS = frozenset(
    {MeasurementKind.WET_NAPPIES, MeasurementKind.STOOLS, MeasurementKind.INFANT_WEIGHT}
)


def processing_allowed(mother: Mother, subject: ConsentSubject) -> bool:
    """False once the consent for `subject` was withdrawn and not given again. A mother registered
    before consents were recorded (imported historical data) is not blocked."""
    withdrawals = list(
        Consent.objects.filter(mother=mother, subject=subject).values_list(
            "withdrawn_at", flat=True
        )
    )
    return not withdrawals or None in withdrawals


def withdrawn_q(subject: ConsentSubject, *, mother: str = "mother") -> Q:
    """`processing_allowed` turned round as a filter: the rows (reached through the field
    `mother`) whose mother withdrew consent for `subject` and did not give it again."""
    consents = Consent.objects.filter(mother=OuterRef(mother), subject=subject)
    return Q(Exists(consents)) & ~Q(Exists(consents.filter(withdrawn_at__isnull=True)))


def subject_of_measurement(kind: str) -> ConsentSubject:
    return ConsentSubject.INFANT if kind in INFANT_KINDS else ConsentSubject.MOTHER
