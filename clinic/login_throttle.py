"""Admin sign-in throttling: django-axes, counting failures two ways.

`AXES_LOCKOUT_PARAMETERS` (settings) lists two counts, in this order: one username from
one address, and one username from anywhere. The first locks at `AXES_FAILURE_LIMIT`
(5): a member of staff mistyping from the desk is locked out alone, the same hour it
always was. The second locks at `LOGIN_FAILURES_PER_USERNAME` (10, higher, so one
person's typos on two devices do not lock them): guessing one account's password from
rotating addresses gets 10 tries an hour, not 5 per address. Both live in the database
(axes' database handler), shared by every server and untouched by a cache outage.

Axes compares every count with one limit; this handler gives each its own.
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class LoginThrottle(AxesDatabaseHandler):  # type: ignore[misc]  # axes ships no types
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        per_pair, per_username = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if per_username >= settings.LOGIN_FAILURES_PER_USERNAME:
            return int(max(per_pair, settings.AXES_FAILURE_LIMIT))
        return int(per_pair)
