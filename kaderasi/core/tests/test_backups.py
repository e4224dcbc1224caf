"""`kaderasi backup` and `kaderasi restore`: a backup taken while kaderasi runs comes back whole —
every table's row count and content hash equal — on SQLite (online backup API) and PostgreSQL
(pg_dump / pg_restore)."""

import pytest
from django.core.management import CommandError, call_command

from kaderasi.care.models import Mother
from kaderasi.core.backups import database_fingerprint
from kaderasi.demo.seeding import seed_demo

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backup_restored_gives_back_every_row_of_every_table(tmp_path, now, capsys):
    seed_demo(now=now)
    before = database_fingerprint()
    path = tmp_path / "backup"

    call_command("backup", str(path))
    # What happens after the backup and must be undone by the restore.
    Mother.objects.filter(pk=Mother.objects.order_by("pk").first().pk).delete()
    Mother.objects.update(name="changed")
    assert database_fingerprint() != before
    call_command("restore", str(path), "--yes")

    after = database_fingerprint()
    rows = sum(table.rows for table in before.values())
    with capsys.disabled():
        print(
            f"\nbackup round trip: {len(before)} tables, {rows} rows, all equal: {after == before}"
        )
    assert after == before
    assert before["care_mother"].rows > 0
    assert oct(path.stat().st_mode)[-3:] == "600"


def test_a_backup_never_overwrites_a_file(tmp_path):
    path = tmp_path / "backup"
    path.write_text("an older backup")

    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(path))

    assert path.read_text() == "an older backup"


def test_restore_asks_for_yes_and_refuses_a_file_that_is_no_backup(tmp_path):
    path = tmp_path / "not-a-backup"
    path.write_text("hello")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))
    with pytest.raises(CommandError):
        call_command("restore", str(path), "--yes")
    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "missing"), "--yes")
