"""Plumbing shared by every domain model."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every row has a public UUID (the only id that leaves the server) and creation/update times.

    The offline client generates `public_id` for the records it creates, so a re-sent create
    is recognised as the same row.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True
