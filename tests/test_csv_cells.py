"""CSV cells a spreadsheet would run as a formula are written as text, in every CSV the
product writes (clinic/csv_cells.py)."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from clinic import csv_cells
from tests.factories import BookingFactory, TherapistFactory

pytestmark = pytest.mark.security

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        (
            '=HYPERLINK("https://evil.example","Anna")',
            '\'=HYPERLINK("https://evil.example","Anna")',
        ),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturned", "'\rReturned"),
        ("Anna K.", "Anna K."),
        ("", ""),
        (7, 7),
        (-1.5, -1.5),
    ],
)
def test_a_cell_that_would_run_as_a_formula_is_written_as_text(cell, written):
    assert csv_cells.neutralise(cell) == written


def test_the_writer_neutralises_every_text_cell_and_keeps_the_row_readable():
    out = io.StringIO()
    csv_cells.writer(out).writerow(["=1+1", "ok", 3, "-x"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["'=1+1", "ok", "3", "'-x"]


def test_nothing_in_the_product_writes_csv_but_through_the_one_writer():
    writers = [
        f"{path.relative_to(ROOT)}"
        for package in ("bookings", "catalog", "clinic")
        for path in (ROOT / package).rglob("*.py")
        if path.name != "csv_cells.py"
        and re.search(r"\bcsv\.(writer|DictWriter)\(", path.read_text())
    ]
    assert writers == []


@pytest.mark.django_db
def test_a_therapist_named_as_a_formula_reaches_the_week_report_as_text(
    client, front_desk_user, swedish, clock
):
    therapist = TherapistFactory(
        display_name='=HYPERLINK("https://evil.example")', techniques=[swedish]
    )
    BookingFactory(therapist=therapist)
    client.force_login(front_desk_user)

    response = client.get(
        reverse("admin:bookings_booking_week_report"), {"week": "2026-03-02", "format": "csv"}
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("https://evil.example")' in names
    assert not any(name.startswith(csv_cells.FORMULA_STARTS) for name in names)
