"""The triggers that keep a summary table of a rollup table (decisions 0190, 0226): the same
shape for every summary, only the statements that subtract and add rows differ.

PostgreSQL: statement triggers over transition tables (`old_rows`, `new_rows`) and a TRUNCATE of
the source empties the summary. SQLite: row triggers over `OLD` and `NEW`.
"""

# ruff: noqa: S608 - the SQL is built from the callers' constant names only, never from input.

from collections.abc import Callable


def postgres_triggers(
    name: str, *, source: str, table: str, subtract: str, add: str
) -> tuple[list[str], list[str]]:
    """(install, remove) statements: `subtract` runs over `old_rows`, `add` over `new_rows`."""
    install = [
        f"""
CREATE FUNCTION {name}_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR TG_OP = 'UPDATE' THEN
        {subtract}
    END IF;
    IF TG_OP = 'INSERT' OR TG_OP = 'UPDATE' THEN
        {add}
    END IF;
    RETURN NULL;
END $$;
""",
        f"""CREATE TRIGGER {name}_insert AFTER INSERT ON {source}
REFERENCING NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION {name}_change();""",
        f"""CREATE TRIGGER {name}_delete AFTER DELETE ON {source}
REFERENCING OLD TABLE AS old_rows
FOR EACH STATEMENT EXECUTE FUNCTION {name}_change();""",
        f"""CREATE TRIGGER {name}_update AFTER UPDATE ON {source}
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION {name}_change();""",
        f"""
CREATE FUNCTION {name}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM {table};
    RETURN NULL;
END $$;
""",
        f"""CREATE TRIGGER {name}_truncate AFTER TRUNCATE ON {source}
FOR EACH STATEMENT EXECUTE FUNCTION {name}_truncate();""",
    ]
    remove = [
        f"DROP TRIGGER IF EXISTS {name}_{event} ON {source};"
        for event in ("insert", "delete", "update", "truncate")
    ] + [
        f"DROP FUNCTION IF EXISTS {name}_change();",
        f"DROP FUNCTION IF EXISTS {name}_truncate();",
    ]
    return install, remove


def sqlite_triggers(
    name: str, *, source: str, subtract: Callable[[str], str], add: Callable[[str], str]
) -> tuple[list[str], list[str]]:
    """(install, remove) statements: `subtract("OLD")` and `add("NEW")` for each row."""
    install = [
        f"""CREATE TRIGGER {name}_insert AFTER INSERT ON {source}
BEGIN {add("NEW")} END;""",
        f"""CREATE TRIGGER {name}_delete AFTER DELETE ON {source}
BEGIN {subtract("OLD")} END;""",
        f"""CREATE TRIGGER {name}_update AFTER UPDATE ON {source}
BEGIN {subtract("OLD")} {add("NEW")} END;""",
    ]
    remove = [f"DROP TRIGGER IF EXISTS {name}_{event};" for event in ("insert", "delete", "update")]
    return install, remove
