"""The scale bench's promise, kept as a test: every staff page makes the same number of
queries for a three-therapist clinic and for that clinic grown by a ten-therapist one
with months of history (bench/scale_seed.py writes with COPY: PostgreSQL only)."""

import pytest
from django.db import connection

from bench import scale_pages, scale_seed

pytestmark = [
    pytest.mark.django_db(transaction=False),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the scale bench seeds with PostgreSQL's COPY"
    ),
]


def _counts(rows: list[scale_pages.Row]) -> dict[tuple[str, str], int]:
    return {(r.name, r.role): r.queries for r in rows}


def test_every_staff_page_makes_the_same_queries_when_the_clinic_grows(now):
    small = scale_seed.seed(scale_seed.SIZES["S"], now=now)
    before = scale_pages.measure_pages(small, runs=1)
    assert {r.extra for r in before} == {""}, [r for r in before if r.extra]
    scale_seed.seed(scale_seed.SIZES["CI"], now=now, prefix="grown-", id_base=1_000_000)
    after = scale_pages.measure_pages(small, runs=1)
    assert {r.extra for r in after} == {""}, [r for r in after if r.extra]
    assert _counts(after) == _counts(before)
