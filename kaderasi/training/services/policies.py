"""Writes to a programme's training policy."""

from django.db import transaction

from kaderasi.programmes.models import Programme
from kaderasi.training.models import TrainingPolicy

POLICY_FIELDS = {
    field.name
    for field in TrainingPolicy._meta.concrete_fields
    if field.name not in {"id", "public_id", "created_at", "updated_at", "programme"}
}


@transaction.atomic
def training_policy_set(*, programme: Programme, **values) -> TrainingPolicy:
    """Store the programme's policy with `values` changed (the defaults for the rest). Unknown
    names raise TypeError; the database constraints keep the values consistent."""
    unknown = set(values) - POLICY_FIELDS
    if unknown:
        raise TypeError(f"unknown training policy fields: {', '.join(sorted(unknown))}")
    policy = TrainingPolicy.objects.filter(programme=programme).first() or TrainingPolicy(
        programme=programme
    )
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()
    return policy
