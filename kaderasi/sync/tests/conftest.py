"""Fixtures for the sync tests: Wati's client, delivered on 8 November 2026 at 10:00 WIB."""

import pytest

from kaderasi.tests import factories as f


@pytest.fixture
def mother(world, cadre_user):
    mother = f.delivered_mother(programme=world.programme, posyandu=world.mawar)
    f.PairingFactory(mother=mother, cadre=cadre_user.cadre)
    return mother
