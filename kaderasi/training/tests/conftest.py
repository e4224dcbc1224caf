"""Training fixtures: the standard content (loaded idempotently, so that tests do not depend on
the data migration surviving a transactional test's flush), a training in the world's programme
with invited cadres, and helpers to answer tests."""

import datetime as dt

import pytest
from django.utils import translation

from kaderasi.accounts.models import Role
from kaderasi.conftest import WIB
from kaderasi.tests import factories as f
from kaderasi.training import services
from kaderasi.training.models import Attendance


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the site's default language: a request to an /en/ page in an earlier
    test leaves English active in this thread, which would change the next test's URLs."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def content(db):
    return services.standard_content_load()


@pytest.fixture
def wati(cadre_user):
    """The persona cadre (K01, Posyandu Mawar, Desa Pandes)."""
    return cadre_user.cadre


@pytest.fixture
def rina(world):
    """A second cadre of the programme, in Desa Canan (outside the midwife's village)."""
    user = f.UserFactory(username="rina-kader", role=Role.CADRE)
    return f.CadreFactory(programme=world.programme, posyandu=world.kenanga, user=user, code="K02")


@pytest.fixture
def training(world, content, coordinator, wati, rina):
    training = services.training_create(
        programme=world.programme,
        title="Pelatihan kader Wedi",
        starts_at=dt.datetime(2026, 11, 29, 8, 0, tzinfo=WIB),
        ends_at=dt.datetime(2026, 11, 29, 13, 0, tzinfo=WIB),
        venue="Balai Desa Pandes",
        trainers=[coordinator],
        questionnaire=content.questionnaire,
        skill_checklist=content.checklist,
        booklet=content.booklet,
    )
    services.participants_record(
        training=training, attendance={wati: Attendance.PRESENT, rina: Attendance.PRESENT}
    )
    return training
