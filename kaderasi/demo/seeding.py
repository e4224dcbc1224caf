"""`kaderasi demo`: the demo programmes and one login per role."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kaderasi.accounts.models import Role
from kaderasi.accounts.services import user_ensure
from kaderasi.cadres.models import Cadre
from kaderasi.demo import live, pandes
from kaderasi.programmes.services import clinical_rules_approve
from kaderasi.regions.models import Area
from kaderasi.reports.rollups import rollups_rebuild

DEMO_PASSWORD = "kaderasi-demo"  # noqa: S105 - published demo credential


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    lands_on: str


@transaction.atomic
def seed_demo(*, now: dt.datetime) -> list[DemoLogin]:
    programme = pandes.seed_pandes(now=now)
    village = programme.area
    regency = Area.objects.get(pk=int(village.path.strip("/").split("/")[1]))

    user_ensure(
        username="admin",
        password=DEMO_PASSWORD,
        role=Role.ADMIN,
        first_name="Admin",
        last_name="kaderasi",
    )
    coordinator = user_ensure(
        username="koordinator",
        password=DEMO_PASSWORD,
        role=Role.COORDINATOR,
        areas=[regency],
        first_name="Dosen",
        last_name="Poltekkes Surakarta",
    )
    programme.team.add(coordinator)
    midwife = user_ensure(
        username="bidan",
        password=DEMO_PASSWORD,
        role=Role.MIDWIFE,
        areas=[village],
        first_name="Bidan",
        last_name="Desa Pandes",
    )
    if not programme.clinical_rules_approvals.exists():
        # The paper's programme shows an approval, demo-live the "proposals" notice (issue 19).
        clinical_rules_approve(
            programme=programme,
            midwife=midwife,
            approved_on=timezone.localdate(now),
            note="Contoh demo: persetujuan ilustratif. Aturan klinis program demo-live tetap "
            "usulan yang belum disetujui.",
            by=coordinator,
            now=now,
        )
    user_ensure(
        username="dinkes",
        password=DEMO_PASSWORD,
        role=Role.DISTRICT_OFFICE,
        areas=[regency],
        first_name="Dinas Kesehatan",
        last_name="Klaten",
    )
    cadre = Cadre.objects.get(programme=programme, code="K01")  # paired with Ny. Am
    cadre_user = user_ensure(
        username="kader", password=DEMO_PASSWORD, role=Role.CADRE, first_name=cadre.name
    )
    if cadre.user_id != cadre_user.pk:
        Cadre.objects.filter(user=cadre_user).update(user=None)
        cadre.user = cadre_user
        cadre.save(update_fields=["user", "updated_at"])
    live.seed_live(now=now, kader=cadre, posyandus=live.village_posyandus(village))
    # The dashboards read the rollups, which nothing else builds before the worker's first run.
    rollups_rebuild(now=now)
    return [
        DemoLogin("admin", Role.ADMIN, "/"),
        DemoLogin("koordinator", Role.COORDINATOR, "/"),
        DemoLogin("bidan", Role.MIDWIFE, "/"),
        DemoLogin("kader", Role.CADRE, "/"),
        DemoLogin("dinkes", Role.DISTRICT_OFFICE, "/"),
    ]
