"""Benchmarks: free slots, pages under load and a booking storm. See docs/benchmarks.md.

    python bench/run.py [--quick] [--only slots,pages,storm] [--profile]

Uses a PostgreSQL database it drops and re-creates on every run
(BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/clinic_bench);
it refuses any database whose name does not start with "clinic_bench".
"""

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):
    # Run as a script: import the project and this folder as the `bench` package.
    sys.path[0] = str(ROOT)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/clinic_bench"
THERAPISTS = [1, 10, 50]
DAYS = [7, 30, 90]
TARGET = (10, 30)
TARGET_MS = 50
TARGET_QUERIES = 5
TARGET_RATIO = 0.5


def server_env(database_url: str) -> dict[str, str]:
    """Production settings, except what plain HTTP on loopback needs."""
    return {
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "locmemcache://"),
        "FORM_RATE_LIMIT": "1000000/m",
        "ROOT_URLCONF": "bench.urls",
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
    }


def fresh_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or not name.startswith("clinic_bench"):
        sys.exit(
            f"Refusing {url}: the bench drops its database, so it must be a PostgreSQL "
            "database whose name starts with clinic_bench."
        )
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def heading(text: str) -> None:
    print(f"\n== {text}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, shorter load")
    parser.add_argument("--only", default="slots,pages,storm", help="comma-separated parts")
    parser.add_argument(
        "--profile", action="store_true", help="profile the 10 therapists x 30 days day step"
    )
    args = parser.parse_args()
    parts = set(args.only.split(","))
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    env = server_env(url)
    os.environ.update(env)
    fresh_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from bench import load, pages, seed, slots

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    clinic = seed.build_clinic(
        therapists=max(THERAPISTS), days=max(DAYS), sizes=THERAPISTS, now=timezone.now()
    )
    print(
        f"Seeded {len(clinic.therapist_ids)} therapists, {clinic.bookings} bookings over "
        f"{max(DAYS)} days in {time.perf_counter() - started:.1f} s; bookings take "
        f"{slots.booked_share(clinic.technique_slugs[10], 30):.0%} of the 60-minute slots.",
        flush=True,
    )
    failures: list[str] = []

    if "slots" in parts:
        heading("Free slots for anyone (median of runs; load = queries + ORM, python = merge)")
        slot_rows = [
            slots.measure(
                slug=clinic.technique_slugs[n], therapists=n, days=d, runs=3 if args.quick else 9
            )
            for n in THERAPISTS
            for d in DAYS
        ]
        print(slots.table(slot_rows))
        target = next(r for r in slot_rows if (r.therapists, r.days) == TARGET)
        if target.page_ms > TARGET_MS:
            failures.append(f"day step {target.page_ms:.1f} ms > {TARGET_MS} ms")
        if target.page_queries > TARGET_QUERIES:
            failures.append(f"day step {target.page_queries} queries > {TARGET_QUERIES}")
        if len({r.queries for r in slot_rows}) != 1:
            failures.append("the query count grows with the clinic")

    if args.profile:
        heading("Profile: the day step, 10 therapists x 30 days")
        print(profile_day_step(clinic.technique_slugs[10]))

    seed.set_rules(horizon_days=TARGET[1])
    seconds, rounds = (1.5, 1) if args.quick else (3.0, 3)
    if "pages" in parts:
        heading(
            f"Pages under load: gunicorn, 2 sync workers, 4 clients; median of {rounds} "
            f"round(s) of {seconds:g} s per page, ratio to the trivial view in the same round"
        )
        with load.gunicorn(env=env, workers=2) as port:
            rows = pages.load_pages(
                port,
                slug=clinic.technique_slugs[10],
                technique_slug=clinic.technique_slugs[10],
                clients=4,
                seconds=seconds,
                max_requests=100_000,
                rounds=rounds,
            )
        print(pages.pages_table(rows))
        for row in rows:
            if row.name in ("home page", "technique page") and row.ratio < TARGET_RATIO:
                failures.append(f"{row.name} at {row.ratio:.2f} of the trivial view")

    if "storm" in parts:
        workers = int(os.environ.get("BENCH_STORM_WORKERS", "8"))
        heading(f"Booking storm: 20 slots x 10 attempts over HTTP, gunicorn {workers} workers")
        with load.gunicorn(env=env, workers=workers) as port:
            result = pages.storm(port, slug=clinic.technique_slugs[10], slots=20, per_slot=10)
        print(pages.storm_table(result))
        if result.errors or result.double_bookings or result.made != result.slots:
            failures.append("the storm had errors, double bookings or unbooked slots")

    heading("Targets (for the parts run)")
    print("\n".join(f"MISSED: {f}" for f in failures) or "all met")
    sys.exit(1 if failures else 0)


def profile_day_step(slug: str) -> str:
    from django.test import Client
    from django.urls import reverse

    client = Client(SERVER_NAME="127.0.0.1")
    url = reverse("bookings:book", kwargs={"slug": slug})
    params: dict[str, str | int] = {"length": 60, "therapist": "any"}
    client.get(url, params)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        client.get(url, params)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write("Our code and the ORM, by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(r"views|availability|models|query|template", 14)
    out.write("Where the time is spent itself:\n")
    stats.sort_stats("tottime").print_stats(12)
    return out.getvalue()


if __name__ == "__main__":
    main()
