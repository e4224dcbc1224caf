"""The roles and which permissions each holds: the policy table, declared as data.

The permissions and the check (`can`, `require`) are core's (`core/policies.py`); the table is
here, beside the roles it names, so that core imports no domain app (docs/decisions/0071).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kaderasi.core.policies import Permission


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    MIDWIFE = "midwife", _("Midwife (bidan)")
    CADRE = "cadre", _("Cadre (kader)")
    DISTRICT_OFFICE = "district_office", _("District health office")


EVERYONE = frozenset(Role)
FIELD_STAFF = frozenset({Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE})

GRANTS: dict[Permission, frozenset[Role]] = {
    Permission.VIEW_PROGRAMME: EVERYONE,
    Permission.MANAGE_PROGRAMME: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.VIEW_CADRE: frozenset(
        {Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE, Role.DISTRICT_OFFICE}
    ),
    Permission.MANAGE_CADRE: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.VIEW_MOTHER: EVERYONE,
    Permission.REGISTER_MOTHER: FIELD_STAFF,
    Permission.RECORD_MEASUREMENT: frozenset(
        {Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE, Role.CADRE}
    ),
    Permission.MANAGE_TRAINING: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.VIEW_TRAINING: frozenset(
        {Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE, Role.DISTRICT_OFFICE}
    ),
    Permission.TAKE_TEST: frozenset({Role.CADRE}),
    Permission.READ_MATERIALS: EVERYONE,
    Permission.ISSUE_CERTIFICATE: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.USE_ADMIN: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.MANAGE_USERS: frozenset({Role.ADMIN}),
    Permission.MANAGE_AREAS: frozenset({Role.ADMIN}),
    Permission.OVERRIDE_CERTIFICATION: frozenset({Role.ADMIN, Role.COORDINATOR}),
    # A programme's results are read by the staff who run and supervise it, counted over the rows
    # each may see; a cadre sees her own records instead.
    Permission.VIEW_EVALUATION: frozenset(
        {Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE, Role.DISTRICT_OFFICE}
    ),
    Permission.IMPORT_PROGRAMME: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.EXPORT_PROGRAMME: frozenset({Role.ADMIN, Role.COORDINATOR}),
    # The cadre sends her clients' reminders from her own WhatsApp (no gateway).
    Permission.SEND_REMINDERS: frozenset({Role.CADRE}),
    # Who massages at home, and who asked for no more messages.
    Permission.MANAGE_REMINDER_CONTACTS: frozenset(
        {Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE, Role.CADRE}
    ),
    Permission.RECORD_SESSION: frozenset({Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE, Role.CADRE}),
    Permission.HANDLE_REFERRAL: FIELD_STAFF,
    # A mother's own record as FHIR, for the facility that cares for her (docs/fhir.md).
    Permission.EXPORT_MOTHER_RECORD: FIELD_STAFF,
    # Reports: dashboards for those who watch many mothers; the programme report for those who
    # evaluate programmes; names and phone numbers leave kaderasi only with a programme manager.
    Permission.VIEW_DASHBOARD: frozenset(
        {Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE, Role.DISTRICT_OFFICE}
    ),
    Permission.VIEW_PROGRAMME_REPORT: frozenset(
        {Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE, Role.DISTRICT_OFFICE}
    ),
    Permission.EXPORT_PROGRAMME_REPORT: frozenset(
        {Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE, Role.DISTRICT_OFFICE}
    ),
    Permission.EXPORT_IDENTIFIABLE_DATA: frozenset({Role.ADMIN, Role.COORDINATOR}),
    Permission.EDIT_PROGRAMME_REPORT: frozenset({Role.ADMIN, Role.COORDINATOR}),
    # Who opened a mother's record (the read audit): the programme's coordinator answers for it.
    Permission.VIEW_READ_AUDIT: frozenset({Role.ADMIN, Role.COORDINATOR}),
    # A mother's requests under UU PDP (her data export, erasing her identity): who registers her.
    Permission.HANDLE_SUBJECT_REQUEST: frozenset({Role.ADMIN, Role.COORDINATOR, Role.MIDWIFE}),
}
