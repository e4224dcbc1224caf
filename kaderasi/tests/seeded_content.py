"""The content the data migrations seed (danger signs, flag rules, question bank, SOP steps,
reminder rules, time zones …), kept once the test database is migrated and put back after a
transactional test emptied every table, so that a test sees it whatever ran before it on its worker
(decision 0210).

Django puts database tests before transactional ones for this reason; pytest-xdist's `worksteal`
hands a worker tests out of that order. Content types and permissions are not kept: the flush that
empties the tables makes them again (post_migrate), with ids of its own."""

from io import StringIO

from auditlog.context import disable_auditlog
from django.apps import apps
from django.core import serializers
from django.db import connection, transaction
from django.test import TransactionTestCase

# Made again by the flush's post_migrate signal, so not put back.
REMADE_BY_THE_FLUSH = frozenset({"contenttypes.contenttype", "auth.permission"})


class SeededContent:
    def __init__(self) -> None:
        self.snapshot: str | None = None
        self.emptied = False

    def keep(self) -> None:
        """Serialise what the migrations left in the database (only seeded content: no test ran)."""
        stream = StringIO()
        serializers.serialize("json", self._rows(), stream=stream)
        self.snapshot = stream.getvalue()
        self.emptied = False

    def put_back(self) -> None:
        """Load the kept rows into the emptied tables, as they were, ids included. Nobody changed
        them: the audit log gets no entry (a migration writes none either)."""
        if self.snapshot is None or not self.emptied:
            return
        with transaction.atomic(), connection.constraint_checks_disabled(), disable_auditlog():
            tables = set()
            for row in serializers.deserialize("json", self.snapshot):
                row.save()
                tables.add(row.object._meta.db_table)
            connection.check_constraints(table_names=sorted(tables))
        self.emptied = False

    def watch_flushes(self, monkeypatch) -> None:
        """Note each transactional test's flush (TransactionTestCase's teardown)."""
        flush = TransactionTestCase._fixture_teardown

        def flushed(case):
            self.emptied = True
            return flush(case)

        monkeypatch.setattr(TransactionTestCase, "_fixture_teardown", flushed)

    @staticmethod
    def _rows():
        for model in apps.get_models():
            if model._meta.label_lower in REMADE_BY_THE_FLUSH or not model._meta.managed:
                continue
            if model._meta.proxy:
                continue
            yield from model._base_manager.order_by(model._meta.pk.name).iterator()


SEEDED = SeededContent()
