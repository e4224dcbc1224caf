"""The keys a mother's rollup rows copy from a row they already reference, kept by PostgreSQL
once per statement instead of once per row (decision 0305).

A `MotherRollup` row copies its posyandu's village, district, regency and province (the row
references the posyandu); a `MotherDayRollup` row copies her programme and posyandu (the row
references her). Declared foreign keys cost PostgreSQL one check per row and key at COMMIT:
at 100,000 mothers a rebuild wrote 570,000 rows and spent most of its time in 2.2 million such
checks. On PostgreSQL these six keys are held by statement triggers instead, with the same
guarantees as the foreign keys they replace:

* a statement that writes rollup rows locks the distinct areas and programmes its rows name
  (`FOR KEY SHARE`, as a foreign key's check does, so no one deletes them before it commits)
  and fails if one does not exist;
* deleting an area or a programme (or changing its id) fails while a rollup row still names it.

Both fail with SQLSTATE 23503 (foreign_key_violation), which Django raises as `IntegrityError`.
Unlike the foreign keys they are checked when the statement ends, not at COMMIT; every writer
(a refresh, a rebuild, Django's cascade, which deletes the rollup rows before the area or
programme) writes rows whose keys exist at that moment. SQLite keeps the foreign keys the models
declare (its checks are index lookups; the rebuild is not slower there).
"""

# ruff: noqa: S608 - the SQL is built from the models' table and column names only, never from input.

from django.apps.registry import Apps

# The copied keys, by rollup model: the names of its foreign keys checked per statement.
COPIED_KEYS = {
    "MotherRollup": ("village", "district", "regency", "province"),
    "MotherDayRollup": ("programme", "posyandu"),
}


def _keys(apps: Apps) -> list[tuple[str, str, str]]:
    """(rollup table, column, referenced table) of each copied key."""
    keys = []
    for model_name, field_names in COPIED_KEYS.items():
        model = apps.get_model("reports", model_name)
        for name in field_names:
            field = model._meta.get_field(name)
            keys.append((model._meta.db_table, field.column, field.related_model._meta.db_table))
    return keys


def _rows_check(table: str, keys: list[tuple[str, str, str]]) -> str:
    """The body that checks the keys `new_rows` of `table` name, one referenced table at a time."""
    checks = []
    for target in sorted({target for source, _column, target in keys if source == table}):
        wanted = " UNION ".join(
            f"SELECT {column} AS id FROM new_rows"
            for source, column, key_target in keys
            if source == table and key_target == target
        )
        checks.append(
            f"""
    WITH wanted AS (SELECT DISTINCT id FROM ({wanted}) AS named WHERE id IS NOT NULL),
         found AS (SELECT t.id FROM {target} t WHERE t.id IN (SELECT id FROM wanted)
                   FOR KEY SHARE OF t)
    SELECT (SELECT count(*) FROM wanted) - (SELECT count(*) FROM found) INTO missing;
    IF missing > 0 THEN
        RAISE EXCEPTION 'a row of {table} names a {target} row that does not exist'
            USING ERRCODE = 'foreign_key_violation';
    END IF;"""
        )
    return "".join(checks)


def _kept_check(target: str, keys: list[tuple[str, str, str]]) -> str:
    """The body that refuses to delete (or renumber) a `target` row a rollup row still names."""
    named = " OR ".join(
        f"EXISTS (SELECT 1 FROM {source} r WHERE r.{column} IN (SELECT id FROM gone))"
        for source, column, key_target in keys
        if key_target == target
    )
    return f"""
    IF TG_OP = 'DELETE' THEN
        SELECT EXISTS (
            WITH gone AS (SELECT id FROM old_rows) SELECT 1 WHERE {named}
        ) INTO still_named;
    ELSE
        SELECT EXISTS (
            WITH gone AS (SELECT id FROM old_rows EXCEPT SELECT id FROM new_rows)
            SELECT 1 WHERE {named}
        ) INTO still_named;
    END IF;
    IF still_named THEN
        RAISE EXCEPTION 'a rollup row still names this {target} row'
            USING ERRCODE = 'foreign_key_violation';
    END IF;"""


def _function(name: str, variable: str, body: str) -> str:
    """A trigger function of one variable that runs `body` and returns nothing."""
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE {variable};
BEGIN{body}
    RETURN NULL;
END $$;"""


def _triggers(keys: list[tuple[str, str, str]]) -> tuple[list[str], list[str]]:
    """(install, remove) statements of every trigger."""
    install, remove = [], []
    for table in sorted({source for source, _column, _target in keys}):
        function = f"{table}_copied_keys"
        install.append(_function(function, "missing bigint", _rows_check(table, keys)))
        for event in ("insert", "update"):
            install.append(
                f"""CREATE TRIGGER {function}_{event} AFTER {event.upper()} ON {table}
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();"""
            )
            remove.append(f"DROP TRIGGER IF EXISTS {function}_{event} ON {table};")
        remove.append(f"DROP FUNCTION IF EXISTS {function}();")
    for target in sorted({target for _source, _column, target in keys}):
        function = f"{target}_named_by_rollups"
        install.append(_function(function, "still_named boolean", _kept_check(target, keys)))
        install.append(
            f"""CREATE TRIGGER {function}_delete AFTER DELETE ON {target}
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();"""
        )
        install.append(
            f"""CREATE TRIGGER {function}_update AFTER UPDATE ON {target}
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION {function}();"""
        )
        remove += [
            f"DROP TRIGGER IF EXISTS {function}_delete ON {target};",
            f"DROP TRIGGER IF EXISTS {function}_update ON {target};",
            f"DROP FUNCTION IF EXISTS {function}();",
        ]
    return install, remove


def install(apps: Apps, schema_editor) -> None:
    """PostgreSQL: replace the copied keys' foreign keys by the triggers (migration 0010)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    keys = _keys(apps)
    with schema_editor.connection.cursor() as cursor:
        for table, column, target in keys:
            cursor.execute(
                """SELECT c.conname FROM pg_constraint c
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
                   WHERE c.contype = 'f' AND c.conrelid = %s::regclass
                     AND c.confrelid = %s::regclass AND a.attname = %s""",
                [table, target, column],
            )
            for (name,) in cursor.fetchall():
                schema_editor.execute(
                    f"ALTER TABLE {table} DROP CONSTRAINT {schema_editor.quote_name(name)}"
                )
    for statement in _triggers(keys)[0]:
        schema_editor.execute(statement)


def remove(apps: Apps, schema_editor) -> None:
    """PostgreSQL: the triggers dropped and the foreign keys declared again."""
    if schema_editor.connection.vendor != "postgresql":
        return
    keys = _keys(apps)
    for statement in _triggers(keys)[1]:
        schema_editor.execute(statement)
    for table, column, target in keys:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {table}_{column}_fk FOREIGN KEY ({column}) "
            f"REFERENCES {target} (id) DEFERRABLE INITIALLY DEFERRED"
        )
