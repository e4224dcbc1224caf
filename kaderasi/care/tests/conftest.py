"""Care tests: the catalogue (flag rules, danger signs, steps, consent texts) is loaded by a data
migration, and a transactional test empties every table after itself; put it back first."""

import pytest

from kaderasi.tests.seeded_content import SEEDED


@pytest.fixture(autouse=True)
def care_catalogue(request):
    """The seeded content as the migrations left it, the catalogue among it. A database test has
    it already (put back before it by kaderasi/conftest.py, decision 0210); a transactional test
    gets it put back here, ids and stamps included, so that the demo a browser test seeds next is
    the same from test to test and `demo_seeded` puts it back from its copy. Creating the missing
    catalogue rows instead (`catalogue_ensure`) gave them new ids and stamps each time: every
    browser test here seeded the whole demo again (1-3 s of CPU each)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transactional = marker.kwargs.get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    if transactional:
        SEEDED.put_back()
