"""The scale bench: staff pages and daily jobs from a small clinic to a chain.

    python bench/scale.py [--sizes S,M,L] [--ci] [--reuse] [--runs 5] [--trail days|loads]
                          [--no-jobs] [--pages "outcomes report,..."]

Seeds each size into its own PostgreSQL database (BENCH_SCALE_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/clinic_bench_scale; the size is appended, e.g.
clinic_bench_scale_l; names must start with clinic_bench), measures every staff page per
role and the jobs, and prints queries and median ms per size, the growth from the
smallest to the largest size, and the plan of the slowest statement of any page over
its target. Exits 1 when a target is missed. `--ci` runs S and a small M-like size.
`--reuse` keeps a size's database when it is already seeded (migrating it first);
`--pages` measures only the pages named (as in the table), e.g. after a change to one.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    sys.path[0] = str(ROOT)

if TYPE_CHECKING:
    from bench.scale_pages import Row

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/clinic_bench_scale"
# Every staff page's median at every size, in this process (issue 26). On a shared
# machine (8 jobs on 2 cores) even the smallest size can pass it, so a page misses it
# when it is over it and also GROWTH times its time at the smallest size (time that
# grows with the data, not with the machine's load); its statements alike.
TARGET_MS = 300
TARGET_SQL_MS = 150
GROWTH = 3
# A purge's transaction holds row locks: none may last longer than this.
TARGET_LOCK_MS = 2000
BACKLOG = {"S": 200, "CI": 2000, "M": 20000, "L": 150000}


def _database(url: str, size: str, *, reuse: bool) -> tuple[str, bool]:
    """The size's database name; True when it must be seeded."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_{size.lower()}"
    if parts.scheme not in ("postgres", "postgresql") or not name.startswith("clinic_bench"):
        sys.exit(f"Refusing {url}: the bench drops its databases (clinic_bench... only).")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if reuse and exists:
            return name, False
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, True


def _use(name: str) -> None:
    from django.db import connection

    connection.close()
    connection.settings_dict["NAME"] = name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L")
    parser.add_argument("--ci", action="store_true", help="S and a small M-like size")
    parser.add_argument("--reuse", action="store_true", help="keep seeded databases")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--trail", default="days", choices=["days", "loads"])
    parser.add_argument("--no-jobs", action="store_true")
    parser.add_argument("--pages", default="", help="only these pages (comma-separated)")
    args = parser.parse_args()
    sizes = ["S", "CI"] if args.ci else args.sizes.split(",")
    url = os.environ.get("BENCH_SCALE_DATABASE_URL", DEFAULT_URL)
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DATABASE_URL": url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-scale-not-secret",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "CACHE_URL": "locmemcache://",
            "EMAIL_URL": "dummymail://",
            "LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench import scale_pages, scale_seed

    results: dict[str, list[Row]] = {}
    sizes_mb: dict[str, str] = {}
    for size in sizes:
        name, fresh = _database(url, size, reuse=args.reuse)
        _use(name)
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        spec = scale_seed.SIZES[size]
        if fresh:
            seeded = scale_seed.seed(spec, now=timezone.now(), trail=args.trail)
        else:
            seeded = scale_seed.reseeded(spec, now=timezone.now())
        print(
            f"== {size} ({name}): {seeded.bookings} bookings, {seeded.clients} clients, "
            f"{seeded.notifications} notifications, {seeded.looks} trail entries, "
            f"{seeded.notes} notes, {seeded.outcomes} outcomes; "
            f"{'seeded' if fresh else 'reused'} in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        only = {name.strip() for name in args.pages.split(",") if name.strip()}
        rows = scale_pages.measure_pages(seeded, runs=args.runs, only=only)
        if not args.no_jobs:
            rows += scale_pages.measure_jobs(seeded, backlog=BACKLOG[size])
        results[size] = rows
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_size_pretty(pg_database_size(current_database())), "
                "pg_size_pretty(pg_total_relation_size('auditlog_logentry'))"
            )
            total, trail = cursor.fetchone()
        sizes_mb[size] = f"database {total}, trail {trail}"
        print(f"   {sizes_mb[size]}", flush=True)
        for row in rows:
            print(f"   {row.name:<24} {row.role:<10} {row.queries:>3} q {row.ms:>9.1f} ms"
                  f" (SQL {row.sql_ms:.1f})  {row.extra}", flush=True)  # fmt: skip
    failures = report(results, sizes)
    print("\n== Targets")
    print("\n".join(f"MISSED: {f}" for f in failures) or "all met")
    sys.exit(1 if failures else 0)


def report(results: dict[str, list[Row]], sizes: list[str]) -> list[str]:
    from django.db import connection

    first, last = sizes[0], sizes[-1]
    keyed = {size: {(r.name, r.role): r for r in rows} for size, rows in results.items()}
    head = "".join(f"{s + ' q':>6}{s + ' ms':>10}{s + ' SQL':>9}" for s in sizes)
    print(f"\n{'page':<24} {'role':<10}{head}  {first}->{last}")
    failures: list[str] = []
    over: list[Row] = []
    for key, row in keyed[first].items():
        cells = ""
        for size in sizes:
            r = keyed[size].get(key)
            cells += f"{r.queries:>6}{r.ms:>10.1f}{r.sql_ms:>9.1f}" if r else f"{'-':>25}"
        big = keyed[last].get(key)
        growth = f"{big.ms / row.ms:.1f}x" if big and row.ms else "-"
        print(f"{row.name:<24} {row.role:<10}{cells}  {growth}")
        for size in sizes:
            r = keyed[size].get(key)
            if r is None:
                continue
            if r.extra.startswith("answered"):
                failures.append(f"{size} {r.name} ({r.role}) {r.extra}")
            grew = r.ms > TARGET_MS and r.ms > GROWTH * row.ms
            sql_grew = r.sql_ms > TARGET_SQL_MS and r.sql_ms > GROWTH * row.sql_ms
            if r.role != "job" and (grew or sql_grew):
                failures.append(
                    f"{size} {r.name} ({r.role}) {r.ms:.0f} ms (SQL {r.sql_ms:.0f} ms), "
                    f"{row.ms:.0f} ms at {first}"
                )
                if size == last:
                    over.append(r)
            if "longest batch" in r.extra:
                longest = float(r.extra.split("longest batch ")[1].split()[0])
                if longest > TARGET_LOCK_MS:
                    failures.append(f"{size} {r.name}: a batch held locks {longest:.0f} ms")
        counts = {keyed[s][key].queries for s in sizes if key in keyed[s]}
        if row.role != "job" and len(counts) > 1:
            failures.append(f"{row.name} ({row.role}) makes {sorted(counts)} queries across sizes")
    for r in over:
        print(f"\n== Plan of the slowest statement of {r.name} ({r.role}) at {last}")
        with connection.cursor() as cursor:
            try:
                cursor.execute("BEGIN")
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + r.slowest_sql)
                print("\n".join(line for (line,) in cursor.fetchall()))
            except Exception as error:  # a statement that cannot be explained alone
                print(f"(no plan: {type(error).__name__})")
            finally:
                cursor.execute("ROLLBACK")
    return failures


if __name__ == "__main__":
    main()
