"""Whom to call about a mother, with the links a phone opens: the midwives covering her posyandu
(for a cadre whose massage is stopped) and the cadre who reported a danger sign (for the
midwife). Reads only; each lookup takes a fixed number of queries however many people."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from kaderasi.accounts.models import Role, User
from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.core.phones import display_phone, whatsapp_link


@dataclass(frozen=True)
class Contact:
    """A person to call or message. `phone` is E.164 ("" when none is known)."""

    name: str
    phone: str = ""

    @property
    def phone_display(self) -> str:
        """The number as an Indonesian reads it (0812-3456-7890)."""
        return display_phone(self.phone)

    @property
    def tel_url(self) -> str:
        return f"tel:{self.phone}" if self.phone else ""

    @property
    def whatsapp_url(self) -> str:
        return whatsapp_link(self.phone)


def _name_of(user: User) -> str:
    return user.get_full_name() or user.username


def contacts_of_users(users: Iterable[User]) -> dict[int, Contact]:
    """User pk → her contact. A cadre is named and reached as her programme row knows her (the
    row holding her login, or failing that one pointing at it), with her login's number when the
    row has none."""
    by_pk = {user.pk: user for user in users if user is not None}
    if not by_pk:
        return {}
    rows: dict[int, Cadre] = {}
    cadres = Cadre.objects.filter(
        Q(user__in=list(by_pk)) | Q(same_person_as__user__in=list(by_pk))
    ).select_related("same_person_as")
    for cadre in cadres.order_by("same_person_as", "pk"):
        owner = cadre.user_id or (cadre.same_person_as.user_id if cadre.same_person_as else None)
        if owner in by_pk and (owner not in rows or (not rows[owner].phone and cadre.phone)):
            rows[owner] = cadre
    contacts = {}
    for pk, user in by_pk.items():
        cadre = rows.get(pk)
        if cadre is not None:
            contacts[pk] = Contact(name=cadre.name, phone=cadre.phone or user.phone)
        else:
            contacts[pk] = Contact(name=_name_of(user), phone=user.phone)
    return contacts


def midwife_users_of(mothers: Iterable[Mother]) -> dict[int, list[User]]:
    """Mother pk → the active midwives whose areas cover her posyandu (the scope a midwife sees
    mothers in), in two queries. `posyandu` must be loaded."""
    paths = {mother.pk: mother.posyandu.path for mother in mothers}
    ancestors = {
        int(part) for path in paths.values() for part in path.strip("/").split("/") if part
    }
    if not ancestors:
        return {}
    midwives = (
        User.objects.filter(role=Role.MIDWIFE, is_active=True, areas__in=ancestors)
        .distinct()
        .order_by("pk")
        .prefetch_related("areas")
    )
    covering: dict[int, list[User]] = defaultdict(list)
    for midwife in midwives:
        area_paths = [area.path for area in midwife.areas.all()]
        for mother_pk, path in paths.items():
            if any(path.startswith(area_path) for area_path in area_paths):
                covering[mother_pk].append(midwife)
    return covering


def midwives_of(mothers: Iterable[Mother]) -> dict[int, list[Contact]]:
    """Mother pk → the active midwives covering her posyandu (`midwife_users_of`) as contacts,
    those with a number first, then by name."""
    covering = midwife_users_of(mothers)
    return {
        mother_pk: [
            Contact(name=_name_of(user), phone=user.phone)
            for user in sorted(users, key=lambda u: (not u.phone, _name_of(u)))
        ]
        for mother_pk, users in covering.items()
    }
