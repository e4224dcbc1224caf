"""Who may do what: permissions declared as data, checked in one place.

Views, API operations and reports call `can(user, permission)` for the action, and scope the rows
through the `<things>_visible_to(user)` selectors; an object outside the scope is a 404.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied

from kaderasi.accounts.models import Role


class Permission(StrEnum):
    VIEW_PROGRAMME = "programme.view"
    MANAGE_PROGRAMME = "programme.manage"
    VIEW_CADRE = "cadre.view"
    MANAGE_CADRE = "cadre.manage"
    VIEW_MOTHER = "mother.view"
    REGISTER_MOTHER = "mother.register"
    RECORD_MEASUREMENT = "measurement.record"
    MANAGE_TRAINING = "training.manage"
    VIEW_TRAINING = "training.view"
    TAKE_TEST = "training.take_test"
    READ_MATERIALS = "training.read_materials"
    ISSUE_CERTIFICATE = "training.issue_certificate"
    USE_ADMIN = "admin.use"
    MANAGE_USERS = "users.manage"
    MANAGE_AREAS = "areas.manage"
    OVERRIDE_CERTIFICATION = "pairing.override_certification"
    VIEW_EVALUATION = "evaluation.view"
    IMPORT_PROGRAMME = "programme.import"
    EXPORT_PROGRAMME = "programme.export"
    SEND_REMINDERS = "reminders.send"
    MANAGE_REMINDER_CONTACTS = "reminders.manage_contacts"
    RECORD_SESSION = "session.record"
    HANDLE_REFERRAL = "referral.handle"
    VIEW_DASHBOARD = "dashboard.view"
    VIEW_PROGRAMME_REPORT = "programme_report.view"
    EXPORT_PROGRAMME_REPORT = "programme_report.export"
    EXPORT_IDENTIFIABLE_DATA = "programme_report.export_identifiable"
    EDIT_PROGRAMME_REPORT = "programme_report.edit"


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
}


def can(user, permission: Permission) -> bool:
    """True when `user` is active and her role holds `permission` (False for no user)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.role in GRANTS[permission]


def require(user, permission: Permission) -> None:
    if not can(user, permission):
        raise PermissionDenied(permission.value)
