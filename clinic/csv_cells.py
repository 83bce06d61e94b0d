"""Every CSV the clinic writes goes through `writer`: a cell a spreadsheet would read as
a formula is written as text.

A therapist's display name, a client's name or any typed text may start with `=`, `+`,
`-`, `@`, a tab or a carriage return; Excel, LibreOffice and Google Sheets run such a
cell as a formula (`=HYPERLINK(...)`, `=cmd|...`). The OWASP advice: prefix it with a
single quote, which the spreadsheet shows as text. Numbers stay numbers: only text is
changed.
"""

import csv
from collections.abc import Iterable
from typing import Protocol

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CsvWriter:
    """csv.writer, with every text cell neutralised."""

    def __init__(self, out: _Writable) -> None:
        self._writer = csv.writer(out)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])


def writer(out: _Writable) -> CsvWriter:
    return CsvWriter(out)
