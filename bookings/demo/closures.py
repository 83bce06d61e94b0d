"""The demo clinic's bank holidays. It stands in Bristol, so England's, from the holidays
library (a maintained calendar of public holidays, substitute days included)."""

from datetime import date

import holidays


def bank_holidays(
    first: date, last: date, *, country: str = "GB", subdivision: str = "ENG"
) -> list[tuple[date, str]]:
    """Each public holiday from `first` to `last` (both included) with its name."""
    found = holidays.country_holidays(
        country, subdiv=subdivision, years=range(first.year, last.year + 1)
    )
    return sorted((day, str(name)) for day, name in found.items() if first <= day <= last)
