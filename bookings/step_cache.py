"""A short-lived cache of what the booking steps show (Redis in production).

The day step's free counts per day and the time step's free starts on one day cost
the therapists' schedules (thousands of bookings at 50 therapists and 90 days), yet
they are the same for every visitor who asks within a minute. They are kept here:

- under the technique, the length, the therapist ("any" or an id), the rules that
  shape the grid (horizon, notice, step, buffer), the day asked (time step) and the
  current minute, for at most STEP_SECONDS: "now" moves (the minimum notice), so an
  offer is at most a minute old;
- with the *diary version*, which every write that changes availability swaps once
  its transaction commits (`diary_changed()`: the booking services, and the admin's
  saves of therapists, hours, time off, closures and the rules), so the next page
  after a booking, a cancellation, a move or a time-off save computes afresh.

A stale offer can only ever cost a click: `services.book_session` re-checks the time
inside its transaction, and a time just taken or now too soon gets the friendly
"just taken" / "too soon" answer with the nearest free times.

The technique, its lengths and therapists, and the technique profiles the safety
screen reads, are kept too, with the catalog's version (`catalog.cache`, swapped by
the catalog admin's saves) and, for the therapists, the diary version.

Only visitor-independent values are kept: never a rendered page, never the intake
answers or the screen's verdict (the pages depend on the intake cookie). A cache
that fails never breaks a step: it is computed as if nothing were cached, with one
warning in the log.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, TypeVar
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction

from catalog import cache as catalog_cache

from . import selectors
from .suggestion import TechniqueProfile

logger = logging.getLogger(__name__)

T = TypeVar("T")

DIARY_VERSION_KEY = "bookings:diary:version"
OFFER_KEY = "bookings:steps:offer:{slug}"
PROFILES_KEY = "bookings:steps:profiles"
COUNTS_KEY = "bookings:steps:counts:{slug}:{length}:{therapist}:{rules}:{minute}"
STARTS_KEY = "bookings:steps:starts:{slug}:{length}:{therapist}:{rules}:{day}:{minute}"
# "Now" moves: the counts and starts are keyed by the minute and kept a minute.
STEP_SECONDS = 60
# A save made while the cache was unreachable could not swap a version: this bounds
# how long the technique data and profiles can stay.
DATA_SECONDS = 15 * 60


def diary_changed() -> None:
    """Forget every cached count and start once the current transaction commits.

    After the commit, not before: a page computed between the swap and the commit
    would keep the old diary under the new version.
    """
    transaction.on_commit(_new_diary_version)


def _new_diary_version() -> None:
    try:
        cache.set(DIARY_VERSION_KEY, uuid4().hex, None)
    except Exception as error:
        # Redis raises its own errors, not Django's: any failure means "not cleared".
        logger.warning(
            "Booking steps not cleared: the cache failed (%s); they refresh within %d s",
            type(error).__name__,
            STEP_SECONDS,
        )


def _warn(error: Exception) -> None:
    logger.warning("Booking step computed: the cache failed (%s)", type(error).__name__)


@dataclass
class StepCache:
    """What one booking step page read from the cache in one round trip: the two
    versions, the technique's offer and the profiles. `diary` is None when the cache
    failed: then nothing is read from it or kept in it again for this page."""

    slug: str
    diary: str | None
    catalog: str | None
    found: dict[str, Any]

    @classmethod
    def read(cls, slug: str) -> "StepCache":
        keys = [DIARY_VERSION_KEY, catalog_cache.VERSION_KEY, OFFER_KEY.format(slug=slug)]
        try:
            found = cache.get_many([*keys, PROFILES_KEY])
            diary = found.get(DIARY_VERSION_KEY) or _first(DIARY_VERSION_KEY)
            catalog = found.get(catalog_cache.VERSION_KEY) or _first(catalog_cache.VERSION_KEY)
        except Exception as error:
            _warn(error)
            return cls(slug, None, None, {})
        return cls(slug, diary, catalog, found)

    def _keep(self, key: str, value: object, seconds: int) -> None:
        try:
            cache.set(key, value, seconds)
        except Exception as error:
            logger.warning("Booking step not cached: the cache failed (%s)", type(error).__name__)

    def technique_choices(
        self, *, now: datetime, day: date | None = None
    ) -> selectors.TechniqueChoices | None:
        """`selectors.technique_choices`, its offer (technique, lengths, therapists) from
        the cache when both versions still match; the schedules are read only if used."""
        key = OFFER_KEY.format(slug=self.slug)
        kept = self.found.get(key)
        versions = (self.catalog, self.diary)
        if self.diary is not None and kept is not None and kept[0] == versions:
            offer = kept[1]
        else:
            offer = selectors.technique_offer(self.slug)
            if offer is not None and self.diary is not None and self.catalog is not None:
                self._keep(key, (versions, offer), DATA_SECONDS)
        return None if offer is None else selectors.choices_for(offer, now=now, day=day)

    def profiles(self) -> list[TechniqueProfile]:
        """`selectors.load_profiles()`, from the cache while the catalog is unchanged."""
        kept = self.found.get(PROFILES_KEY)
        if self.catalog is not None and kept is not None and kept[0] == self.catalog:
            return [_profile(fields) for fields in kept[1]]
        profiles = selectors.load_profiles()
        if self.catalog is not None and self.diary is not None:
            # Mapping proxies do not pickle: kept as plain dicts.
            plain = [_plain(p) for p in profiles]
            self._keep(PROFILES_KEY, (self.catalog, plain), DATA_SECONDS)
        return profiles

    def free_counts(
        self, choices: selectors.TechniqueChoices, *, length_minutes: int, therapist_id: int | None
    ) -> dict[date, int]:
        """`selectors.free_counts`, kept for a minute while the diary is unchanged."""
        key = COUNTS_KEY.format(
            slug=self.slug,
            length=length_minutes,
            therapist=_therapist(therapist_id),
            rules=_rules(choices),
            minute=_minute(choices.now),
        )
        return self._step(
            key,
            lambda: selectors.free_counts(
                choices, length_minutes=length_minutes, therapist_id=therapist_id
            ),
        )

    def free_starts(
        self, choices: selectors.TechniqueChoices, *, length_minutes: int, therapist_id: int | None
    ) -> list[datetime]:
        """The free starts of the day the choices were read for, kept like the counts."""
        key = STARTS_KEY.format(
            slug=self.slug,
            length=length_minutes,
            therapist=_therapist(therapist_id),
            rules=_rules(choices),
            day=choices.day.isoformat() if choices.day else "all",
            minute=_minute(choices.now),
        )
        return self._step(
            key,
            lambda: [
                slot.start
                for slot in selectors.free_starts(
                    choices, length_minutes=length_minutes, therapist_id=therapist_id
                )
            ],
        )

    def _step(self, key: str, compute: Callable[[], T]) -> T:
        if self.diary is None:
            return compute()
        try:
            kept = cache.get(key)
        except Exception as error:
            _warn(error)
            return compute()
        if kept is not None and kept[0] == self.diary:
            value: T = kept[1]
            return value
        value = compute()
        self._keep(key, (self.diary, value), STEP_SECONDS)
        return value


def _first(key: str) -> str:
    version = uuid4().hex
    if cache.add(key, version, None):
        return version
    return cache.get(key) or version


def _therapist(therapist_id: int | None) -> str:
    return "any" if therapist_id is None else str(therapist_id)


def _rules(choices: selectors.TechniqueChoices) -> str:
    rules = choices.rules.as_rules()
    seconds = (rules.min_notice, rules.step, rules.buffer)
    return "-".join([str(rules.horizon_days), *(str(int(t.total_seconds())) for t in seconds)])


def _minute(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M")


def _plain(profile: TechniqueProfile) -> dict[str, object]:
    fields = dict(vars(profile))
    fields["weights"] = dict(profile.weights)
    fields["keywords"] = dict(profile.keywords)
    return fields


def _profile(fields: dict[str, Any]) -> TechniqueProfile:
    return TechniqueProfile(
        **fields
        | {
            "weights": MappingProxyType(dict(fields["weights"])),
            "keywords": MappingProxyType(dict(fields["keywords"])),
        }
    )
