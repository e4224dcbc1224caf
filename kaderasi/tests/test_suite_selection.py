"""Which tests the PostgreSQL run skips: the browser and PDF tests, and the tests that never reach
a database (pytest-django refuses them any query, so they cannot differ between databases)."""

import types

import pytest

from kaderasi import conftest


def _item(*, fixtures=(), django_db=False, module_file=__file__):
    marker = pytest.mark.django_db.mark if django_db else None
    return types.SimpleNamespace(
        fixturenames=list(fixtures),
        get_closest_marker=lambda name: marker if name == "django_db" else None,
        module=types.SimpleNamespace(__file__=module_file),
    )


def test_a_test_without_database_fixture_or_marker_touches_no_database(tmp_path):
    plain = tmp_path / "test_plain.py"
    plain.write_text("def test_sum():\n    assert 1 + 1 == 2\n")
    assert conftest._touches_no_database(_item(fixtures=["settings"], module_file=str(plain)))


@pytest.mark.parametrize("fixture", sorted(conftest.DATABASE_FIXTURES))
def test_a_test_given_the_database_by_a_fixture_runs_on_both(fixture, tmp_path):
    plain = tmp_path / "test_plain.py"
    plain.write_text("")
    assert not conftest._touches_no_database(_item(fixtures=[fixture], module_file=str(plain)))


def test_a_test_marked_django_db_runs_on_both(tmp_path):
    plain = tmp_path / "test_plain.py"
    plain.write_text("")
    assert not conftest._touches_no_database(_item(django_db=True, module_file=str(plain)))


@pytest.mark.parametrize("word", ["subprocess.run", "Popen(", "DATABASE_URL"])
def test_a_test_whose_module_starts_processes_runs_on_both(word, tmp_path):
    # A process it starts may be handed DATABASE_URL and reach PostgreSQL.
    module = tmp_path / "test_processes.py"
    module.write_text(f"# {word}\n")
    assert not conftest._touches_no_database(_item(module_file=str(module)))


def test_a_test_whose_module_is_unknown_runs_on_both():
    assert not conftest._touches_no_database(_item(module_file=None))
