"""Who may do what: the permissions and the one place they are checked.

Views, API operations and reports call `can(user, permission)` for the action, and scope the rows
through the `<things>_visible_to(user)` selectors; an object outside the scope is a 404. Which
role holds which permission is the accounts app's table (`accounts/roles.py`), beside the roles
it names: core asks the user (`user.holds(permission)`) and names no domain app.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied


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
    EXPORT_MOTHER_RECORD = "mother.export_record"
    VIEW_DASHBOARD = "dashboard.view"
    VIEW_PROGRAMME_REPORT = "programme_report.view"
    EXPORT_PROGRAMME_REPORT = "programme_report.export"
    EXPORT_IDENTIFIABLE_DATA = "programme_report.export_identifiable"
    EDIT_PROGRAMME_REPORT = "programme_report.edit"
    VIEW_READ_AUDIT = "mother.view_reads"
    HANDLE_SUBJECT_REQUEST = "mother.subject_request"


def can(user, permission: Permission) -> bool:
    """True when `user` is active and her role holds `permission` (False for no user)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.holds(permission)


def require(user, permission: Permission) -> None:
    if not can(user, permission):
        raise PermissionDenied(permission.value)
