"""Care tests: the catalogue (flag rules, danger signs, steps, consent texts) is loaded by a data
migration, and a transactional test empties every table after itself; put it back first."""

import pytest
from django.apps import apps

from kaderasi.care.catalogue import catalogue_ensure


@pytest.fixture(autouse=True)
def care_catalogue(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    catalogue_ensure(apps)
