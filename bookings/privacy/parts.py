"""Each record of care's part of a client's export and erasure, listed in one place.

An export part returns {"its key": JSON-ready data}, reading health data only through the
reader's rule (records/access.py), so it leaves out what the reader may not read; an erase
part clears its rows of the client inside erase_client's transaction, before the bookings
are anonymised. A new kind of record about a client adds its two functions here.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from bookings.account.services import erase_sign_in_links
from bookings.models import Client
from bookings.privacy.looks import erase_looks
from bookings.privacy.outcomes import erase_outcomes, export_outcomes
from bookings.privacy.payments import erase_payments, export_payments
from bookings.privacy.waitlist import erase_waitlist, export_waitlist
from bookings.records.access import HealthDataRule
from bookings.records.notes import erase_notes, export_notes

ExportPart = Callable[[Client, HealthDataRule], dict[str, Any]]
ErasePart = Callable[[Client, datetime], object]

EXPORT_PARTS: list[ExportPart] = [export_outcomes, export_waitlist, export_notes, export_payments]
ERASE_PARTS: list[ErasePart] = [
    erase_outcomes,
    erase_payments,
    erase_waitlist,
    erase_notes,
    erase_looks,
    erase_sign_in_links,
]
