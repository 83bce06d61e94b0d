"""What every staff page must never show, and a walk through all of them as one role.

Shared by tests/test_staff_pages.py (Django's test client) and the browser check in
tests/e2e/test_staff_pages.py. The house formats are clinic/display.py's: "Tue 8 Dec
2026, 10:00", "Tue 8 Dec 2026", "Tue 8 Dec" inside a range, "10:00".
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.test import Client

WEEKDAYS = "Mon|Tue|Wed|Thu|Fri|Sat|Sun"
MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
FULL_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
FULL_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)

# A day and a month next to each other, in any order or spelling: each must be the house's.
ANY_DAY_AND_MONTH = re.compile(
    rf"(?:\b(?:{FULL_WEEKDAYS}|{WEEKDAYS})\.?,? )?"
    rf"(?:\b\d{{1,2}}(?:st|nd|rd|th)? (?:{FULL_MONTHS}|{MONTHS})\b\.?(?: \d{{4}})?"
    rf"|\b(?:{FULL_MONTHS}|{MONTHS}) \d{{1,2}}\b(?:, \d{{4}})?)"
)
HOUSE_DAY = re.compile(rf"(?:{WEEKDAYS}) [1-9]\d? (?:{MONTHS})(?: \d{{4}})?")

FORBIDDEN: dict[str, re.Pattern[str]] = {
    "an ISO date or timestamp": re.compile(r"\b\d{4}-\d{2}-\d{2}\b"),
    "a month spelled out with its year": re.compile(rf"(?<!\d )\b(?:{FULL_MONTHS}) \d{{4}}\b"),
    "a time with seconds": re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b"),
    "a date with slashes": re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "a 12-hour time": re.compile(r"\b\d{1,2}(?::\d{2})? ?(?:a\.m\.|p\.m\.|am\b|pm\b)"),
    "UTC": re.compile(r"\bUTC\b"),
    "the same day twice in a range": re.compile(
        rf"((?:{WEEKDAYS}) \d{{1,2}} (?:{MONTHS}) \d{{4}}) (?:to|-) \1"
    ),
    "a Python list": re.compile(r"\[\s*['\"][^\]]*['\"]\s*\]"),
    "a Python dict": re.compile(r"\{\s*['\"][\w ]+['\"]\s*:"),
    "a Python object": re.compile(r"<\w+(?:\.\w+)* object at 0x|<QuerySet \["),
    "an object (N) title": re.compile(
        r"\b\w+ object \(\d+\)|\bnote for \d+\b|\bof booking \d+\b|\bClient \d+\b"
    ),
    "a shortened value": re.compile(r"\[\d+ chars\]"),
    "a raw change arrow": re.compile(r" -> "),
    "a phone in E.164": re.compile(r"\+\d{10,15}\b"),
    # Codes are lower_snake_case; labels are words. A login (see LOGIN_PREFIX) too.
    "a raw code": re.compile(r"\b[a-z]+_[a-z_]+\b"),
}


def visible_text(page: str) -> str:
    """The words a person sees: no markup, no scripts, no attribute values, so hidden
    inputs and links may carry codes and ISO dates. A chart (an SVG image) keeps its
    axis short ("2 Feb"); the table beside it carries the days in full."""
    page = re.sub(r"(?is)<(script|style|template|svg)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<!--.*?-->", " ", page)
    page = re.sub(r"(?is)<textarea\b.*?</textarea>", " ", page)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def problems_in(text: str) -> list[str]:
    """Each thing on the page that is not the house format, or is an internal value."""
    found = []
    for what, pattern in FORBIDDEN.items():
        for match in pattern.finditer(text):
            found.append(f"{what}: {_around(text, match)}")
    for match in ANY_DAY_AND_MONTH.finditer(text):
        if not HOUSE_DAY.fullmatch(match.group(0)):
            found.append(f"a date not in the house format: {_around(text, match)}")
    return found


def _around(text: str, match: re.Match[str]) -> str:
    return f"“{match.group(0)}” in …{text[max(0, match.start() - 50) : match.end() + 50]}…"


# Links a walk never follows: they change something, leave the staff pages or download.
NOT_FOLLOWED = re.compile(
    r"/logout/|/delete/|/password|/jsi18n/|/r/\d|\.csv|[?&]o=|_popup=|/export|/download"
)


def page_kind(url: str) -> str:
    """The page a URL shows, whichever row: /admin/bookings/booking/7/change/?x=1 ->
    /admin/bookings/booking/N/change/?x"""
    path, _, query = url.partition("?")
    keys = sorted({part.split("=")[0] for part in query.split("&") if part})
    return re.sub(r"/\d+/", "/N/", path) + ("?" + ",".join(keys) if keys else "")


@dataclass
class Walk:
    """The staff pages one role reached from the admin's home page and the given
    starting points, following links (at most `per_kind` pages of each kind)."""

    pages: dict[str, str] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def kinds(self) -> set[str]:
        return {page_kind(url) for url in self.pages}


def walk(client: Client, starts: Iterable[str], *, per_kind: int = 2, limit: int = 600) -> Walk:
    result = Walk()
    queue = list(starts)
    seen: set[str] = set()
    per: Counter[str] = Counter()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        kind = page_kind(url)
        if url in seen or NOT_FOLLOWED.search(url) or per[kind] >= per_kind:
            continue
        seen.add(url)
        per[kind] += 1
        response = client.get(url)
        result.statuses[response.status_code] += 1
        if response.status_code >= 500:
            result.errors.append(f"{response.status_code} at {url}")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        result.pages[url] = page
        for link in re.findall(r'href="(/admin/[^"#]*)"', page):
            queue.append(html.unescape(link))
    return result
