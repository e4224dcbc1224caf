"""Users, their role and the areas they cover."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from kaderasi.accounts.roles import GRANTS, Role
from kaderasi.core.models import BaseModel
from kaderasi.core.phones import PhoneNumberField, phone_hash_field
from kaderasi.core.policies import Permission


class User(AbstractUser, BaseModel):
    """A person who logs in. What she may see follows from `role` and `areas` (see policies)."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CADRE)
    areas = models.ManyToManyField(
        "regions.Area",
        verbose_name=_("areas covered"),
        blank=True,
        related_name="users",
        help_text=_("A midwife covers her villages, a coordinator her districts or regency."),
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("id", "Bahasa Indonesia"), ("en", "English")],
        default="id",
    )
    phone = PhoneNumberField(
        _("phone number"),
        blank=True,
        help_text=_("A midwife receives reminders about missed massage sessions on this number."),
    )
    phone_hash = phone_hash_field()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_is_known"),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None):
        """What a logged-in session is checked against on every request: Django's hash of the
        password, with the role too, so that a session ends when her password or her role changes
        (a deactivated user's session ends anyway: the backend refuses an inactive user)."""
        return salted_hmac(
            "kaderasi.accounts.User.session_auth_hash",
            f"{self.password}\n{self.role}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def holds(self, permission: Permission) -> bool:
        """True when her role holds `permission` (accounts/roles.py); `core.policies.can` adds
        the checks that do not depend on the role (logged in, active, superuser)."""
        return self.role in GRANTS[permission]


class IdentityLookup(models.Model):
    """One check of a NIK or phone number against the registered mothers, by whom and when
    (kaderasi.accounts.lookup_limits counts them per user per hour). Which number was checked
    is not kept."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("identity lookup")
        verbose_name_plural = _("identity lookups")
        indexes = [models.Index(fields=["user", "at"], name="identity_lookup_user_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"
