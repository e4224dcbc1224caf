"""Reminder models, one module per concept; import models from here."""

from kaderasi.reminders.models.choices import (
    CADRE_ONLY_KINDS,
    DANGER_KINDS,
    OPEN_STATUSES,
    USER_ROLES,
    Channel,
    FamilyDelivery,
    IndonesianTimeZone,
    Language,
    RecipientRole,
    ReminderKind,
    ReminderStatus,
    StatusReason,
)
from kaderasi.reminders.models.contacts import (
    FamilyMember,
    OptOutSource,
    RecipientPreference,
    Relationship,
)
from kaderasi.reminders.models.danger_alerts import DangerAlertSettings
from kaderasi.reminders.models.outbox import Reminder
from kaderasi.reminders.models.rules import (
    ProgrammeReminderSettings,
    ProvinceTimeZone,
    ReminderRule,
)

__all__ = [
    "CADRE_ONLY_KINDS",
    "DANGER_KINDS",
    "OPEN_STATUSES",
    "USER_ROLES",
    "Channel",
    "DangerAlertSettings",
    "FamilyDelivery",
    "FamilyMember",
    "IndonesianTimeZone",
    "Language",
    "OptOutSource",
    "ProgrammeReminderSettings",
    "ProvinceTimeZone",
    "RecipientPreference",
    "RecipientRole",
    "Relationship",
    "Reminder",
    "ReminderKind",
    "ReminderRule",
    "ReminderStatus",
    "StatusReason",
]
