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
the catalog admin's saves) and, for the therapists, the *schedules' version*: swapped
by the saves of therapists, hours, time off, closures and the rules, but not by a
booking, which changes nobody's offer (so the booking POST after another client's
booking reads the offer from here).

The day and time steps' lists themselves (the part of the page below the menu: the
days or times with their links, the choice so far) are kept rendered too, under the
query that asked for them (length, therapist, day) and the same versions, rules and
minute. They are rendered without the request, so no message, CSRF token or cookie can
reach them; the view serves one only to a visitor whose own answers, screened on every
request, let them choose a time for this technique, and renders the rest of the page
(base.html, with that visitor's messages) around it.

Only visitor-independent values are kept: never a whole page, never the intake
answers or the screen's verdict (the pages depend on the intake cookie). A cache
that fails never breaks a step: it is computed as if nothing were cached, with one
warning in the log.
"""

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import partial
from types import MappingProxyType
from typing import Any, TypeVar
from uuid import uuid4
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from bookings.booking.selectors import (
    TechniqueChoices,
    choices_for,
    free_counts,
    free_starts,
    technique_offer,
)
from bookings.intake.profiles import TechniqueProfile
from bookings.intake.selectors import load_safety_profiles
from bookings.models import RULES_CACHE_KEY, ClinicRules
from bookings.scheduling import availability, selectors
from bookings.scheduling.free_runs import counts_from_runs, free_runs_by_day, starts_from_runs
from catalog import cache as catalog_cache

logger = logging.getLogger(__name__)


T = TypeVar("T")

DIARY_VERSION_KEY = "bookings:diary:version"
OFFER_KEY = "bookings:steps:offer:{slug}"
PROFILES_KEY = "bookings:steps:safety-profiles"
COUNTS_KEY = "bookings:steps:counts:{slug}:{length}:{therapist}:{rules}:{minute}"
STARTS_KEY = "bookings:steps:starts:{slug}:{length}:{therapist}:{rules}:{day}:{minute}"
PAGE_KEY = "bookings:steps:page:{slug}:{query}:{minute}"
# One therapist's free runs for the day step (see `StepCache.free_counts`), under the
# schedules' version (hours, time off, closures, rules: everyone) and the therapist's own.
RUNS_KEY = "bookings:steps:runs:{therapist}:{length}:{rules}:{today}"
SCHEDULES_VERSION_KEY = "bookings:diary:schedules"
THERAPIST_VERSION_KEY = "bookings:diary:therapist:{id}"
# The runs do not depend on the minute, only on the clinic's day; this bounds how long a
# write made behind the services' back (a shell) stays unseen on the day step.
RUNS_SECONDS = 5 * 60
# The queries whose rendered step is kept: exactly these parameters, each short and plain
# (anything else, a start or an extra parameter, is computed as before).
PAGE_PARAMS = {"length": r"\d{1,4}", "therapist": r"any|\d{1,10}", "day": r"\d{4}-\d{2}-\d{2}"}
# "Now" moves: the counts and starts are keyed by the minute and kept a minute.
STEP_SECONDS = 60
# A save made while the cache was unreachable could not swap a version: this bounds
# how long the technique data and profiles can stay.
DATA_SECONDS = 15 * 60


def diary_changed(*, therapist_ids: Iterable[int] | None = None) -> None:
    """Forget every cached count and start once the current transaction commits.

    With `therapist_ids` (a booking made, cancelled, moved or reinstated: only those
    therapists' diaries changed), the free runs kept per therapist stay for the others;
    without (hours, time off, closures, the rules), everyone's are computed again.

    After the commit, not before: a page computed between the swap and the commit
    would keep the old diary under the new version.
    """
    ids = None if therapist_ids is None else tuple(therapist_ids)
    transaction.on_commit(partial(new_diary_version, ids))


def new_diary_version(therapist_ids: tuple[int, ...] | None = None) -> None:
    versions = {DIARY_VERSION_KEY: uuid4().hex}
    if therapist_ids is None:
        versions[SCHEDULES_VERSION_KEY] = uuid4().hex
    else:
        versions |= {THERAPIST_VERSION_KEY.format(id=pk): uuid4().hex for pk in therapist_ids}
    try:
        cache.set_many(versions, None)
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
    versions, the technique's offer, the profiles, the rules and (for a plain day or
    time step query) the rendered step. `diary` is None when the cache failed: then
    nothing is read from it or kept in it again for this page."""

    slug: str
    now: datetime
    diary: str | None
    catalog: str | None
    found: dict[str, Any]
    page_key: str | None = None

    @classmethod
    def read(cls, slug: str, query: QueryDict | None = None) -> "StepCache":
        now = timezone.now()
        asked = None if query is None else page_query(query)
        page_key = None
        if asked is not None:
            page_key = PAGE_KEY.format(slug=slug, query=asked, minute=_minute(now))
        keys = [DIARY_VERSION_KEY, catalog_cache.VERSION_KEY, SCHEDULES_VERSION_KEY, PROFILES_KEY]
        # With a rendered step to look for, the offer (model instances, slow to unpickle)
        # is read only if the step is not there.
        keys += [OFFER_KEY.format(slug=slug)] if page_key is None else [RULES_CACHE_KEY, page_key]
        try:
            found = cache.get_many(keys)
            diary = found.get(DIARY_VERSION_KEY) or _first(DIARY_VERSION_KEY)
            catalog = found.get(catalog_cache.VERSION_KEY) or _first(catalog_cache.VERSION_KEY)
        except Exception as error:
            _warn(error)
            return cls(slug, now, None, None, {})
        return cls(slug, now, diary, catalog, found, page_key)

    def page(self) -> tuple[str, dict[str, Any]] | None:
        """The rendered step kept for this query (template and context), if the diary,
        the catalog and the rules are those it was rendered with."""
        if self.page_key is None or self.diary is None:
            return None
        kept = self.found.get(self.page_key)
        rules = self.found.get(RULES_CACHE_KEY)
        if kept is None or not isinstance(rules, ClinicRules):
            return None
        versions, template, context = kept
        if versions != (self.diary, self.catalog, _rules(rules)):
            return None
        return template, context

    def keep_page(self, choices: TechniqueChoices, template: str, context: dict[str, Any]) -> None:
        """Keep a rendered step (visitor-free: see the module's docstring) for this query."""
        if self.page_key is None or self.diary is None or self.catalog is None:
            return
        versions = (self.diary, self.catalog, _rules(choices.rules))
        self._keep(self.page_key, (versions, template, context), STEP_SECONDS)

    def _get(self, key: str) -> Any:
        if self.diary is None:
            return None
        try:
            return cache.get(key)
        except Exception as error:
            _warn(error)
            return None

    def _keep(self, key: str, value: object, seconds: int) -> None:
        self._keep_many({key: value}, seconds)

    def _keep_many(self, values: dict[str, object], seconds: int) -> None:
        try:
            cache.set_many(values, seconds)
        except Exception as error:
            logger.warning("Booking step not cached: the cache failed (%s)", type(error).__name__)

    def technique_choices(self, *, day: date | None = None) -> TechniqueChoices | None:
        """`selectors.technique_choices`, its offer (technique, lengths, therapists) from
        the cache when both versions still match; the schedules are read only if used."""
        key = OFFER_KEY.format(slug=self.slug)
        kept = self.found.get(key) if key in self.found else self._get(key)
        versions = (self.catalog, self._schedules_version())
        if None not in (self.diary, *versions) and kept is not None and kept[0] == versions:
            offer = kept[1]
        else:
            offer = technique_offer(self.slug)
            if offer is not None and None not in (self.diary, *versions):
                self._keep(key, (versions, offer), DATA_SECONDS)
        return None if offer is None else choices_for(offer, now=self.now, day=day)

    def _schedules_version(self) -> str | None:
        """The schedules' version read with the rest; None (nothing kept) if it failed."""
        if self.diary is None:
            return None
        found = self.found.get(SCHEDULES_VERSION_KEY)
        if found is None:
            try:
                found = self.found[SCHEDULES_VERSION_KEY] = _first(SCHEDULES_VERSION_KEY)
            except Exception as error:
                _warn(error)
                return None
        return str(found)

    def profiles(self) -> list[TechniqueProfile]:
        """`selectors.load_safety_profiles()` (what the safety screen reads, in one
        query), from the cache while the catalog is unchanged."""
        kept = self.found.get(PROFILES_KEY)
        if self.catalog is not None and kept is not None and kept[0] == self.catalog:
            return [_profile(fields) for fields in kept[1]]
        profiles = load_safety_profiles()
        if self.catalog is not None and self.diary is not None:
            # Mapping proxies do not pickle: kept as plain dicts.
            plain = [_plain(p) for p in profiles]
            self._keep(PROFILES_KEY, (self.catalog, plain), DATA_SECONDS)
        return profiles

    def free_counts(
        self, choices: TechniqueChoices, *, length_minutes: int, therapist_id: int | None
    ) -> dict[date, int]:
        """`selectors.free_counts`, kept for a minute while the diary is unchanged, and
        counted from each therapist's kept free runs (`_runs`)."""
        key = COUNTS_KEY.format(
            slug=self.slug,
            length=length_minutes,
            therapist=_therapist(therapist_id),
            rules=_rules(choices.rules),
            minute=_minute(choices.now),
        )
        return self._step(key, lambda: self._counts(choices, length_minutes, therapist_id))

    def _counts(
        self, choices: TechniqueChoices, length_minutes: int, therapist_id: int | None
    ) -> dict[date, int]:
        rules = choices.rules.as_rules()
        zone = selectors.clinic_zone()
        ids = [t.pk for t in choices.therapists] if therapist_id is None else [therapist_id]
        runs = self._runs(choices, ids, timedelta(minutes=length_minutes), rules, zone)
        counts = None
        if runs is not None:
            earliest = choices.now + rules.min_notice
            counts = counts_from_runs(runs, earliest=earliest, step=rules.step, zone=zone)
        if counts is None:
            return free_counts(choices, length_minutes=length_minutes, therapist_id=therapist_id)
        return counts

    def _runs(
        self,
        choices: TechniqueChoices,
        ids: list[int],
        length: timedelta,
        rules: availability.Rules,
        zone: ZoneInfo,
    ) -> list[dict[date, list[availability.Run]]] | None:
        """Each therapist's free runs over the horizon, before the notice: they hold for
        the clinic's day, so they are kept (RUNS_SECONDS) under the schedules' version
        and the therapist's own. After a booking only its therapist's schedule is read
        and computed again; the counts of the minute come from all of them. None when
        the cache fails."""
        days = availability.local_days(choices.now, rules.horizon_days, zone)
        stamp = {"length": int(length.total_seconds()) // 60, "rules": _rules(choices.rules)}
        keys = {pk: RUNS_KEY.format(therapist=pk, today=days[0], **stamp) for pk in ids}
        version_keys = {pk: THERAPIST_VERSION_KEY.format(id=pk) for pk in ids}
        try:
            found = cache.get_many([SCHEDULES_VERSION_KEY, *version_keys.values(), *keys.values()])
            everyone = found.get(SCHEDULES_VERSION_KEY) or _first(SCHEDULES_VERSION_KEY)
            versions = {pk: (everyone, found.get(k) or _first(k)) for pk, k in version_keys.items()}
        except Exception as error:
            _warn(error)
            return None
        runs: dict[int, dict[date, list[availability.Run]]] = {}
        for pk in ids:
            kept = found.get(keys[pk])
            if kept is not None and kept[0] == versions[pk]:
                runs[pk] = kept[1]
        missing = [pk for pk in ids if pk not in runs]
        if missing:
            # The versions were read before the schedules: a write committed meanwhile
            # swaps them, and what is kept here is computed again.
            start, end = selectors.horizon(choices.now, rules)
            workings: availability.Workings = {}
            for schedule in selectors.schedules_between(missing, start, end):
                runs[schedule.therapist_id] = free_runs_by_day(
                    schedule, length=length, rules=rules, days=days, zone=zone, workings=workings
                )
            self._keep_many({keys[pk]: (versions[pk], runs[pk]) for pk in missing}, RUNS_SECONDS)
        return [runs[pk] for pk in ids]

    def free_starts(
        self, choices: TechniqueChoices, *, length_minutes: int, therapist_id: int | None
    ) -> list[datetime]:
        """The free starts of the day the choices were read for, kept like the counts."""
        key = STARTS_KEY.format(
            slug=self.slug,
            length=length_minutes,
            therapist=_therapist(therapist_id),
            rules=_rules(choices.rules),
            day=choices.day.isoformat() if choices.day else "all",
            minute=_minute(choices.now),
        )
        return self._step(
            key,
            lambda: [
                slot.start
                for slot in free_starts(
                    choices, length_minutes=length_minutes, therapist_id=therapist_id
                )
            ],
        )

    def free_starts_on(
        self,
        choices: TechniqueChoices,
        *,
        day: date,
        length_minutes: int,
        therapist_id: int | None,
    ) -> list[datetime]:
        """The free starts on `day`, kept like the counts and taken from the same free
        runs (`_runs`), so the day step that shows a day's times as well as the counts
        reads the schedules once; from that day's schedules when runs cannot answer."""
        key = STARTS_KEY.format(
            slug=self.slug,
            length=length_minutes,
            therapist=_therapist(therapist_id),
            rules=_rules(choices.rules),
            day=day.isoformat(),
            minute=_minute(choices.now),
        )
        return self._step(key, lambda: self._starts_on(choices, day, length_minutes, therapist_id))

    def _starts_on(
        self, choices: TechniqueChoices, day: date, length_minutes: int, therapist_id: int | None
    ) -> list[datetime]:
        rules = choices.rules.as_rules()
        zone = selectors.clinic_zone()
        ids = [t.pk for t in choices.therapists] if therapist_id is None else [therapist_id]
        runs = self._runs(choices, ids, timedelta(minutes=length_minutes), rules, zone)
        starts = None
        if runs is not None:
            earliest = choices.now + rules.min_notice
            starts = starts_from_runs(runs, day=day, earliest=earliest, step=rules.step, zone=zone)
        if starts is None:
            one_day = replace(choices, day=day)
            slots = free_starts(one_day, length_minutes=length_minutes, therapist_id=therapist_id)
            return [slot.start for slot in slots]
        return starts

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


def page_query(query: QueryDict) -> str | None:
    """The day or time step's choices as part of a cache key ("60:any:2026-03-04", or
    "60:any:-" for the day step), or None when the query holds anything else."""
    if not ({"length", "therapist"} <= query.keys() <= PAGE_PARAMS.keys()):
        return None
    parts = []
    for name, pattern in PAGE_PARAMS.items():
        values = query.getlist(name)
        if not values:
            parts.append("-")
        elif len(values) == 1 and re.fullmatch(pattern, values[0], re.ASCII):
            parts.append(values[0])
        else:
            return None
    return ":".join(parts)


def _first(key: str) -> str:
    version = uuid4().hex
    if cache.add(key, version, None):
        return version
    return cache.get(key) or version


def _therapist(therapist_id: int | None) -> str:
    return "any" if therapist_id is None else str(therapist_id)


def _rules(clinic_rules: ClinicRules) -> str:
    rules = clinic_rules.as_rules()
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
