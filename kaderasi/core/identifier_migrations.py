"""Data migrations of encrypted identifiers (core.field_crypto): the plain values already stored
are encrypted and hashed in place, and the audit log's copies of them masked. Raw SQL, since the
historical model's field would try to decrypt the plain text it is about to encrypt."""

from django.db import migrations

from kaderasi.core.field_crypto import decrypt, encrypt, is_encrypted, lookup_hash, mask


def encrypt_columns(table: str, columns: dict[str, tuple[str, str]]) -> migrations.RunPython:
    """Encrypt `columns` of `table` ({column: (hash column, kind)}); reversed, decrypt them."""

    def forward(apps, schema_editor):
        _rewrite(schema_editor.connection, table, columns, encrypting=True)

    def backward(apps, schema_editor):
        _rewrite(schema_editor.connection, table, columns, encrypting=False)

    return migrations.RunPython(forward, backward, elidable=False)


def _rewrite(connection, table, columns, *, encrypting: bool) -> None:
    quote = connection.ops.quote_name
    names = list(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {', '.join(quote(n) for n in names)} FROM {quote(table)}"  # noqa: S608
        )
        rows = cursor.fetchall()
        assignments = ", ".join(
            f"{quote(name)} = %s, {quote(columns[name][0])} = %s" for name in names
        )
        updates = []
        for pk, *stored in rows:
            values = []
            for name, value in zip(names, stored, strict=True):
                value = value or ""
                plain = decrypt(value) if is_encrypted(value) else value
                kind = columns[name][1]
                if encrypting:
                    values += [encrypt(plain), lookup_hash(kind, plain)]
                else:
                    values += [plain, ""]
            updates.append([*values, pk])
        if updates:
            cursor.executemany(
                f"UPDATE {quote(table)} SET {assignments} WHERE id = %s",  # noqa: S608
                updates,
            )


def encrypt_texts(table: str, columns: list[str]) -> migrations.RunPython:
    """Encrypt the texts of `columns` of `table` (no lookup hash); reversed, decrypt them."""

    def rewrite(connection, *, encrypting: bool) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {', '.join(quote(n) for n in columns)} FROM {quote(table)}"  # noqa: S608
            )
            updates = []
            for pk, *stored in cursor.fetchall():
                plains = [decrypt(v) if is_encrypted(v or "") else v or "" for v in stored]
                values = [encrypt(p) if encrypting and p else p for p in plains]
                if values != list(stored):
                    updates.append([*values, pk])
            if updates:
                assignments = ", ".join(f"{quote(name)} = %s" for name in columns)
                cursor.executemany(
                    f"UPDATE {quote(table)} SET {assignments} WHERE id = %s",  # noqa: S608
                    updates,
                )

    def forward(apps, schema_editor):
        rewrite(schema_editor.connection, encrypting=True)

    def backward(apps, schema_editor):
        rewrite(schema_editor.connection, encrypting=False)

    return migrations.RunPython(forward, backward, elidable=False)


def mask_audit_log(models_fields: dict[tuple[str, str], list[str]]) -> migrations.RunPython:
    """Mask the audit log's old and new values of `models_fields` ({(app label, model): fields})
    as new entries are masked: the last four characters only."""

    def forward(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        log_entry = apps.get_model("auditlog", "LogEntry")
        for (app_label, model), fields in models_fields.items():
            types = content_type.objects.filter(app_label=app_label, model=model)
            entries = log_entry.objects.filter(content_type__in=types)
            for entry in entries.only("pk", "changes").iterator():
                changes = entry.changes if isinstance(entry.changes, dict) else None
                if not changes or not set(fields) & set(changes):
                    continue
                for field in set(fields) & set(changes):
                    changes[field] = [_masked(value) for value in changes[field]]
                log_entry.objects.filter(pk=entry.pk).update(changes=changes)

    return migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)


def _masked(value):
    """An old entry's value, whole or masked by auditlog's default (its first half starred)."""
    return value if value in (None, "None", "") else mask(value)
