"""A national-scale field for the dashboards: areas, programmes, cadres and a million mothers with
the rollup rows the dashboards read, written by PostgreSQL COPY in about a minute.

What it writes (sizes for the default `mothers=1_000_000`):

* one province, `regencies` regencies of `districts` districts of `villages` villages of
  `posyandus` posyandus each (default 4 × 6 × 10 × 5 = 1,200 posyandus), with the paths the
  areas service gives them;
* one programme and one training per regency; the bench users (admin, the district office of the
  first regency, a coordinator of its first district and on its programme's team, a midwife of a
  village of that district);
* `cadres_per_posyandu` cadres per posyandu (`cadres_cadre`) and their `CadreRollup` rows
  (trained, certified with a validity window, active clients) and one `KnowledgeRollup` row per
  posyandu;
* the mothers (`care_mother`: code and posyandu, no name, NIK or phone) registered evenly over the
  four years before `now`, each with her `MotherRollup` row: about 3 % without a pregnancy, the
  mothers registered in the last five months mostly still pregnant, the others delivered 10-200
  days after registering, 85 % of them accompanied, six sessions each (a few missed), milk volumes,
  a referral for 4 % (still open for half of those delivered in the last 60 days);
* `PosyanduDayRollup` rows counted from the same mothers in Python as they are generated
  (registrations, deliveries, sessions on their window's day, massages, volumes, referrals,
  cadres trained and certified), so every period flow agrees with the mother rows.

The care tables behind the rollups (pregnancies, sessions, measurements, referrals) are not
written: the rollups are what the dashboards read, and the rollup rebuild's correctness is proven
by the tests (reports/tests). `counted_days` is left empty, so a refresh of one of these mothers
is not representative; this field measures the dashboards only.

COPY on PostgreSQL; batched INSERTs on SQLite (for a smaller field).
`national_field(mothers=…, now=…)` returns the users and the counts.
"""

import datetime as dt
import random
import tempfile
from collections import defaultdict
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
YEARS = 4
PUERPERIUM_DAYS = 42
# The columns of every BaseModel row, first in each table written here.
STAMPED = ["public_id", "created_at", "updated_at"]


def _uuid(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S+00")


def _value(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.datetime):
        return _time(value)
    return str(value)


class _Copy:
    """Rows for one table: on PostgreSQL spooled to a temporary file in COPY's text format and
    sent by one COPY when closed (one connection runs one COPY at a time, and the tables are
    generated side by side); batched INSERTs elsewhere (SQLite, for a smaller field)."""

    def __init__(self, cursor, table: str, columns: list[str]) -> None:
        quoted = ", ".join(f'"{column}"' for column in columns)
        self._postgres = hasattr(cursor, "copy")
        self._cursor = cursor
        if self._postgres:
            self._statement = f"COPY {table} ({quoted}) FROM STDIN"
            self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        else:
            marks = ", ".join("?" for _column in columns)
            self._statement = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
        self._buffer: list = []
        self.rows = 0

    def add(self, values) -> None:
        if self._postgres:
            self._buffer.append("\t".join(map(_value, values)))
        else:
            self._buffer.append([_sqlite_value(value) for value in values])
        self.rows += 1
        if len(self._buffer) >= 20_000:
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._postgres:
            self._spool.write("\n".join(self._buffer) + "\n")
        else:
            self._cursor.executemany(self._statement, self._buffer)
        self._buffer = []

    def close(self) -> None:
        self._flush()
        if not self._postgres:
            return
        self._spool.seek(0)
        with self._cursor.copy(self._statement) as copy:
            while block := self._spool.read(1 << 20):
                copy.write(block)
        self._spool.close()


def _sqlite_value(value):
    """What Django stores on SQLite: UTC times without offset, dates as ISO text."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _areas(cursor, rng: random.Random, *, stamp, regencies, districts, villages, posyandus):
    """The area tree by COPY, each path its parent's followed by its id (as `area_save` keeps
    it). Returns the province and, per posyandu, (regency, district, village, posyandu)."""
    from kaderasi.regions.models import Area

    rows = _Copy(
        cursor,
        "regions_area",
        [
            "id",
            *STAMPED,
            "name",
            "level",
            "code",
            "path",
            "parent_id",
        ],
    )
    next_id = [_next_id(cursor, "regions_area")]

    def area(name: str, level: str, parent: Area | None) -> Area:
        pk = next_id[0]
        next_id[0] += 1
        path = f"{parent.path if parent else '/'}{pk}/"
        rows.add(
            [pk, _uuid(rng), stamp, stamp, name, level, "", path, parent.pk if parent else None]
        )
        return Area(pk=pk, name=name, level=level, path=path, parent=parent)

    province = area("Provinsi Nasional", "province", None)
    tree = []
    for r in range(regencies):
        regency = area(f"Kabupaten {r}", "regency", province)
        for d in range(districts):
            district = area(f"Kecamatan {r}-{d}", "district", regency)
            for v in range(villages):
                village = area(f"Desa {r}-{d}-{v}", "village", district)
                for p in range(posyandus):
                    posyandu = area(f"Posyandu {r}-{d}-{v}-{p}", "posyandu", village)
                    tree.append((regency, district, village, posyandu))
    rows.close()
    _advance(cursor, "regions_area", next_id[0])
    return province, tree


def national_field(
    *,
    mothers: int,
    now: dt.datetime,
    regencies: int = 4,
    districts: int = 6,
    villages: int = 10,
    posyandus: int = 5,
    cadres_per_posyandu: int = 8,
    seed: int = 2026,
) -> dict:
    """Write the field (see the module's docstring) into an empty PostgreSQL database."""
    from django.db import connection, transaction

    from kaderasi.accounts.models import Role
    from kaderasi.accounts.services import user_ensure
    from kaderasi.programmes.models import Programme
    from kaderasi.reports.models import RollupState
    from kaderasi.reports.rollups import STATE_NAME
    from kaderasi.training.models import Training

    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data
    today = now.astimezone(WIB).date()
    stamp = now

    with transaction.atomic():
        with connection.cursor() as django_cursor:
            province, tree = _areas(
                django_cursor.cursor,
                rng,
                stamp=stamp,
                regencies=regencies,
                districts=districts,
                villages=villages,
                posyandus=posyandus,
            )
        regency_list = sorted({row[0] for row in tree}, key=lambda area: area.pk)
        programme_of, training_of = {}, {}
        training_day = today - dt.timedelta(days=365 * YEARS)
        for index, regency in enumerate(regency_list):
            programme = Programme.objects.create(
                slug=f"nasional-{index}",
                name=f"Program {regency.name}",
                area=regency,
                starts_on=training_day,
            )
            programme_of[regency.pk] = programme
            starts = dt.datetime.combine(training_day, dt.time(8), WIB)
            training_of[regency.pk] = Training.objects.create(
                programme=programme,
                title=f"Pelatihan {regency.name}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=5),
            )
        first = tree[0]
        users = {
            "admin": user_ensure(username="admin", password="x" * 12, role=Role.ADMIN),
            "dinkes": user_ensure(
                username="dinkes", password="x" * 12, role=Role.DISTRICT_OFFICE, areas=[first[0]]
            ),
            "koordinator": user_ensure(
                username="koordinator", password="x" * 12, role=Role.COORDINATOR, areas=[first[1]]
            ),
            "bidan": user_ensure(
                username="bidan", password="x" * 12, role=Role.MIDWIFE, areas=[first[2]]
            ),
        }
        programme_of[first[0].pk].team.add(users["koordinator"])

        def area_values(row):
            regency, district, village, posyandu = row
            return [posyandu.path, posyandu.pk, village.pk, district.pk, regency.pk, province.pk]

        area_columns = [
            "area_path",
            "posyandu_id",
            "village_id",
            "district_id",
            "regency_id",
            "province_id",
        ]
        day_rows: dict[tuple[int, int], dict[dt.date, list[int]]] = defaultdict(dict)
        day_fields = [
            "mothers_registered",
            "deliveries",
            "sessions_due",
            "sessions_done",
            "sessions_missed",
            "massages_recorded",
            "milk_volumes_recorded",
            "referrals_opened_red",
            "referrals_opened_amber",
            "referrals_open_red",
            "referrals_open_amber",
            "cadres_trained",
            "certificates_issued",
        ]
        field_index = {name: i for i, name in enumerate(day_fields)}

        def count(place: int, day: dt.date, name: str, by: int = 1) -> None:
            row = day_rows[place].get(day)
            if row is None:
                row = day_rows[place][day] = [0] * len(day_fields)
            row[field_index[name]] += by

        with connection.cursor() as django_cursor:
            cursor = django_cursor.cursor
            # --- cadres ------------------------------------------------------------------------
            cadres = _Copy(
                cursor,
                "cadres_cadre",
                [
                    "id",
                    *STAMPED,
                    "code",
                    "name",
                    "phone",
                    "posyandu_id",
                    "programme_id",
                    "phone_hash",
                ],
            )
            cadre_rollups = _Copy(
                cursor,
                "reports_cadrerollup",
                [
                    *STAMPED,
                    "cadre_id",
                    "programme_id",
                    "trained_on",
                    "certified_from",
                    "certified_until",
                    "refresher_due_on",
                    "active_clients",
                    "next_change_at",
                    "counted_days",
                    "refreshed_at",
                    *area_columns,
                ],
            )
            cadres_of: list[list[int]] = []
            cadre_id = _next_id(cursor, "cadres_cadre")
            for place, row in enumerate(tree):
                programme = programme_of[row[0].pk]
                ids = []
                for _n in range(cadres_per_posyandu):
                    cadres.add(
                        [
                            cadre_id,
                            _uuid(rng),
                            stamp,
                            stamp,
                            f"K{cadre_id:07d}",
                            "",
                            "",
                            row[3].pk,
                            programme.pk,
                            "",
                        ]
                    )
                    certified_from = training_day + dt.timedelta(days=rng.randint(1, 1200))
                    certified = certified_from <= today
                    cadre_rollups.add(
                        [
                            _uuid(rng),
                            stamp,
                            stamp,
                            cadre_id,
                            programme.pk,
                            training_day,
                            certified_from if certified else None,
                            certified_from + dt.timedelta(days=730) if certified else None,
                            certified_from + dt.timedelta(days=640) if certified else None,
                            rng.randint(0, 2),
                            None,
                            "[]",
                            stamp,
                            *area_values(row),
                        ]
                    )
                    count(place, training_day, "cadres_trained")
                    if certified:
                        count(place, certified_from, "certificates_issued")
                    ids.append(cadre_id)
                    cadre_id += 1
                cadres_of.append(ids)
            cadres.close()
            cadre_rollups.close()
            _advance(cursor, "cadres_cadre", cadre_id)

            knowledge = _Copy(
                cursor,
                "reports_knowledgerollup",
                [
                    *STAMPED,
                    "training_id",
                    "programme_id",
                    "training_on",
                    "pairs",
                    "pre_sum",
                    "post_sum",
                    "refreshed_at",
                    *area_columns,
                ],
            )
            for row in tree:
                pairs = cadres_per_posyandu
                knowledge.add(
                    [
                        _uuid(rng),
                        stamp,
                        stamp,
                        training_of[row[0].pk].pk,
                        programme_of[row[0].pk].pk,
                        training_day,
                        pairs,
                        f"{pairs * rng.uniform(40, 60):.2f}",
                        f"{pairs * rng.uniform(70, 90):.2f}",
                        stamp,
                        *area_values(row),
                    ]
                )
            knowledge.close()

            # --- mothers -----------------------------------------------------------------------
            mother_rows = _Copy(
                cursor,
                "care_mother",
                [
                    "id",
                    *STAMPED,
                    "code",
                    "name",
                    "nik",
                    "phone",
                    "group",
                    "posyandu_id",
                    "programme_id",
                    "nik_hash",
                    "phone_hash",
                ],
            )
            rollup_columns = [
                *STAMPED,
                "mother_id",
                "programme_id",
                "group",
                "registered_on",
                "has_pregnancy",
                "delivered_at",
                "cadre_id",
                "has_open_pairing",
                "certification_overrides",
                "accompanied",
                "sessions_due",
                "sessions_done",
                "sessions_missed",
                "first_window_on",
                "last_window_on",
                "baseline_ml",
                "follow_up_ml",
                "latest_24h_ml",
                "latest_24h_day",
                "milk_volumes",
                "milk_volumes_24h",
                "open_red_referrals",
                "open_amber_referrals",
                "oldest_open_referral_at",
                "next_change_at",
                "counted_days",
                "refreshed_at",
                *area_columns,
            ]
            rollups = _Copy(cursor, "reports_motherrollup", rollup_columns)
            mother_id = _next_id(cursor, "care_mother")
            span_days = 365 * YEARS
            for _n in range(mothers):
                place = rng.randrange(len(tree))
                row = tree[place]
                programme = programme_of[row[0].pk]
                group = "intervention" if rng.random() < 0.8 else "comparison"
                mother_rows.add(
                    [
                        mother_id,
                        _uuid(rng),
                        stamp,
                        stamp,
                        f"M{mother_id:08d}",
                        "",
                        "",
                        "",
                        group,
                        row[3].pk,
                        programme.pk,
                        "",
                        "",
                    ]
                )
                registered_on = today - dt.timedelta(days=rng.randrange(span_days))
                count(place, registered_on, "mothers_registered")
                has_pregnancy = rng.random() >= 0.03
                delivered_at = None
                if has_pregnancy:
                    delivery = dt.datetime.combine(
                        registered_on, dt.time(rng.randrange(24), rng.randrange(60)), WIB
                    ) + dt.timedelta(days=rng.randint(10, 200))
                    if delivery <= now:
                        delivered_at = delivery
                values = _mother_values(
                    rng, now=now, delivered_at=delivered_at, cadres=cadres_of[place]
                )
                if delivered_at is not None:
                    _count_mother_days(count, place, delivered_at, values)
                rollups.add(
                    [_uuid(rng), stamp, stamp, mother_id, programme.pk, group, registered_on]
                    + [has_pregnancy, delivered_at]
                    + values["columns"]
                    + ["[]", stamp]
                    + area_values(row)
                )
                mother_id += 1
            mother_rows.close()
            rollups.close()
            _advance(cursor, "care_mother", mother_id)

            days = _Copy(
                cursor,
                "reports_posyandudayrollup",
                [
                    *STAMPED,
                    "programme_id",
                    "day",
                    *day_fields,
                    "refreshed_at",
                    *area_columns,
                ],
            )
            for place, per_day in day_rows.items():
                row = tree[place]
                programme = programme_of[row[0].pk]
                for day, counts in per_day.items():
                    days.add(
                        [
                            _uuid(rng),
                            stamp,
                            stamp,
                            programme.pk,
                            day,
                            *counts,
                            stamp,
                            *area_values(row),
                        ]
                    )
            days.close()
        RollupState.objects.update_or_create(
            name=STATE_NAME,
            defaults={"refreshed_through": now, "last_run_at": now, "last_rebuild_at": now},
        )
    with connection.cursor() as cursor:
        for table in (
            "care_mother",
            "reports_motherrollup",
            "reports_posyandudayrollup",
            "reports_cadrerollup",
        ):
            # VACUUM sets the visibility map, so PostgreSQL answers from covering indexes alone
            # as it does once autovacuum has passed over a table in service.
            vacuum = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
            cursor.execute(f"{vacuum} {table}")
    return {
        "users": users,
        "mothers": mothers,
        "posyandus": len(tree),
        "cadres": cadres.rows,
        "day_rows": days.rows,
    }


def _mother_values(
    rng: random.Random, *, now: dt.datetime, delivered_at: dt.datetime | None, cadres: list[int]
) -> dict:
    """Her rollup columns from `cadre_id` to `next_change_at`, and what her days count."""
    if delivered_at is None:
        columns = [None, False, 0, False, 0, 0, 0, None, None, None, None, None, None, 0, 0]
        return {"columns": [*columns, 0, 0, None, None], "due": 0}
    elapsed = now - delivered_at
    accompanied = rng.random() < 0.85
    postpartum = elapsed <= dt.timedelta(days=PUERPERIUM_DAYS)
    # Two sessions a day on days 1-3; a window counts once it closes (or once done).
    due = min(6, max(0, int(elapsed / dt.timedelta(hours=12)))) if accompanied else 0
    done = sum(rng.random() < 0.9 for _n in range(due))
    first_window = (delivered_at + dt.timedelta(hours=2)).astimezone(WIB).date()
    last_window = (delivered_at + dt.timedelta(days=2, hours=10)).astimezone(WIB).date()
    volumes = 0
    baseline = follow_up = latest = latest_day = None
    if accompanied and elapsed > dt.timedelta(hours=6):
        volumes = 1
        baseline = f"{rng.uniform(5, 120):.1f}"
        latest, latest_day = baseline, 1
        if elapsed > dt.timedelta(days=3):
            volumes = 2
            follow_up = f"{rng.uniform(80, 700):.1f}"
            latest, latest_day = follow_up, 3
    referred = rng.random() < 0.04
    still_open = referred and (
        rng.random() < 0.5 if elapsed <= dt.timedelta(days=60) else rng.random() < 0.02
    )
    red = referred and rng.random() < 0.3
    opened_at = delivered_at + dt.timedelta(days=1) if referred else None
    next_change = (
        delivered_at + dt.timedelta(days=3)
        if accompanied and elapsed < dt.timedelta(days=3)
        else None
    )
    columns = [
        rng.choice(cadres) if accompanied else None,
        accompanied and postpartum,
        1 if accompanied and rng.random() < 0.01 else 0,
        accompanied,
        due,
        done,
        due - done,
        first_window if accompanied else None,
        last_window if accompanied else None,
        baseline,
        follow_up,
        latest,
        latest_day,
        volumes,
        volumes,
        1 if still_open and red else 0,
        1 if still_open and not red else 0,
        opened_at if still_open else None,
        next_change,
    ]
    return {
        "columns": columns,
        "due": due,
        "done": done,
        "volumes": volumes,
        "first_window": first_window,
        "referral": (opened_at, red, still_open) if referred else None,
    }


def _count_mother_days(count, place: int, delivered_at: dt.datetime, values: dict) -> None:
    count(place, delivered_at.astimezone(WIB).date(), "deliveries")
    if values["due"]:
        # Sessions count on the day their window opens: spread over her three days.
        for index in range(values["due"]):
            day = values["first_window"] + dt.timedelta(days=index // 2)
            count(place, day, "sessions_due")
            if index < values["done"]:
                count(place, day, "sessions_done")
                count(place, day, "massages_recorded")
            else:
                count(place, day, "sessions_missed")
    if values["volumes"]:
        count(place, values["first_window"], "milk_volumes_recorded", values["volumes"])
    if values["referral"]:
        opened_at, red, still_open = values["referral"]
        day = opened_at.astimezone(WIB).date()
        colour = "red" if red else "amber"
        count(place, day, f"referrals_opened_{colour}")
        if still_open:
            count(place, day, f"referrals_open_{colour}")


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - fixed names
    return cursor.fetchone()[0]


def _advance(cursor, table: str, next_id: int) -> None:
    if not hasattr(cursor, "copy"):
        return  # SQLite's AUTOINCREMENT follows the largest id inserted
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, max(1, next_id - 1)]
    )
