"""The demo's past: about three months of sessions, each with the intake answers a real
client gives, a treatment note by its therapist and, for most, the client's answer to
"How is your back today?", so the client page's pain chart, the outcomes report and the
owner's weekly report have something to show on a demo site.

`book_session` rightly refuses times in the past, so this is the one other path that
writes bookings, and only for the `demo_data` command (which refuses unless DEBUG).
It keeps every rule the service keeps:

- times come from `availability.free_slots` over the therapist's own hours, time off,
  closures and bookings (`selectors.schedules_between`), on the clinic's step grid, in
  its zone (stored UTC, so a course across the October clock change stays at 10:00);
- every set of answers passes the safety screen (`safety_gate`) for its technique, and
  the booking keeps the facts the screen returns;
- price from the technique's list, blocked_until with the clinic's buffer, clients
  attached by exact email as an online booking is (`services._client_for`'s rule);
- notes and amendments go through `notes.write_note` / `notes.amend_note` (only the
  session's therapist, inside and after the 24-hour window);
- no Notification row and no task: the clients are invented.

One transaction; seeded random, so a run on the same day gives the same history; a
second run finds the completed demo sessions and adds nothing.
"""

import random
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction

from bookings.demo import notes as demo_notes
from bookings.demo.clients import (
    CANCEL_CHANCE,
    CLIENTS,
    DEMO_EMAIL_DOMAIN,
    NO_SHOWS,
    STORIES,
    UNANSWERED_CHANCE,
    Story,
    demo_email,
)
from bookings.intake import gate
from bookings.intake.answers import IntakeAnswers
from bookings.intake.selectors import load_profiles
from bookings.messaging.notifications import OUTCOME_ANSWER_WINDOW, OUTCOME_ASK_DELAY
from bookings.models import Booking, BookingStatus, Client, ClinicRules, OutcomeRequest, Therapist
from bookings.models.outcomes import intake_baseline
from bookings.records import notes
from bookings.scheduling import availability, selectors
from bookings.scheduling.step_cache import diary_changed
from catalog.models import SessionLength, Technique

HISTORY_WEEKS = 13
SEED = 14


@dataclass
class Planned:
    client: str
    story: Story
    therapist: Therapist
    technique: Technique
    minutes: int
    start: datetime
    intake: IntakeAnswers
    facts: gate.SafetyFacts
    status: str
    number: int
    of: int
    trend: str
    pain_before: int
    pain_after: int
    outcome: int | None


def _pain(value: float) -> int:
    return max(0, min(10, round(value)))


def _scores(
    trend: str, sessions: int, relief: float, rng: random.Random
) -> list[tuple[int, int, int, int]]:
    """Per session: the intake's score, the note's pain before and after, and the
    answer two days later. Better: the level falls session by session; same: it
    hovers; worse: it creeps up. Everyone feels better on the table."""
    start = rng.randint(5, 8)
    gain = rng.uniform(0.45, 0.8)
    rows = []
    for k in range(sessions):
        if trend == "better":
            level = max(1.0, start - gain * k)
            later = max(0.0, level - gain - relief - rng.uniform(0.2, 1.0))
        elif trend == "same":
            level = start + rng.uniform(-0.7, 0.7)
            later = level + rng.uniform(-1.0, 0.8)
        else:
            level = start + 0.35 * k
            later = level + rng.uniform(-0.4, 1.0)
        intake = _pain(level + rng.uniform(-0.5, 0.5))
        before = _pain(intake + rng.choice([0, 0, 0, 1, -1]))
        after = max(0, before - rng.choice([1, 2, 2, 3]))
        rows.append((intake, before, after, _pain(later)))
    return rows


def _answers(story: Story, intensity: int) -> IntakeAnswers:
    return IntakeAnswers(
        areas=story.areas,
        duration=story.duration,
        intensity=intensity,
        frequency=story.frequency,
        feelings=story.feelings,
        triggers=story.triggers,
        pressure=story.pressure,
        description=story.words,
        screened=True,
    )


def _free_start(
    schedule: availability.TherapistSchedule,
    days: list[date],
    minutes: int,
    rules: availability.Rules,
    zone: ZoneInfo,
    morning: bool,
    rng: random.Random,
) -> datetime | None:
    """A free start on the first of `days` that has one, in the client's part of the
    day if possible, on the hour or half hour if possible (as people book)."""
    for day in days:
        the_day_before = availability.wall_to_utc(day - timedelta(days=1), time(0), zone)
        starts = availability.free_slots(
            schedule,
            length=timedelta(minutes=minutes),
            rules=rules,
            now=the_day_before,
            zone=zone,
            days=[day],
        )
        if not starts:
            continue
        liked = [s for s in starts if (s.astimezone(zone).hour < 13) == morning] or starts
        round_ones = [s for s in liked if s.astimezone(zone).minute in (0, 30)] or liked
        return rng.choice(round_ones)
    return None


def _plan(
    therapists: dict[str, Therapist],
    now: datetime,
    rules: availability.Rules,
    zone: ZoneInfo,
    rng: random.Random,
) -> list[Planned]:
    today = now.astimezone(zone).date()
    first_monday = today - timedelta(days=today.weekday() + 7 * HISTORY_WEEKS)
    window = (availability.wall_to_utc(first_monday, time(0), zone), now)
    schedules = {
        s.therapist_id: s
        for s in selectors.schedules_between([t.pk for t in therapists.values()], *window)
    }
    busy: dict[int, list[availability.Interval]] = {pk: list(s.busy) for pk, s in schedules.items()}
    profiles = load_profiles()
    offered = {
        name: {t.slug: t for t in therapist.techniques.filter(is_active=True)}
        for name, therapist in therapists.items()
    }
    checks: dict[IntakeAnswers, gate.SafetyCheck] = {}
    plan: list[Planned] = []
    for name, story_key, username, trend, last_week, sessions, every in CLIENTS:
        therapist, story = therapists.get(username), STORIES[story_key]
        technique = offered.get(username, {}).get(story.techniques.get(username, ""))
        if therapist is None or technique is None:
            continue  # the demo therapists were changed by hand: leave this story out
        lengths = sorted(technique.lengths.values_list("minutes", flat=True))
        minutes = 60 if 60 in lengths else lengths[0]
        weekday = rng.choice(sorted(schedules[therapist.pk].working_hours))
        morning = rng.random() < 0.5
        scores = _scores(trend, sessions, story.relief, rng)
        first_week = HISTORY_WEEKS - last_week - (sessions - 1) * every
        for k, (intake, before, after, later) in enumerate(scores):
            week_start = first_monday + timedelta(weeks=first_week + k * every)
            target = week_start + timedelta(days=weekday)
            days = [target + timedelta(days=d) for d in (0, 1, -1, 2)]
            # Sessions before the history's first week stay out: a course already
            # running three months ago.
            days = [d for d in days if first_monday <= d < today]
            schedule = replace(schedules[therapist.pk], busy=busy[therapist.pk])
            start = _free_start(schedule, days, minutes, rules, zone, morning, rng)
            if start is None:
                continue  # the course goes on past today, or the week is full
            busy[therapist.pk].append(
                availability.Interval(start, start + timedelta(minutes=minutes) + rules.buffer)
            )
            answers = _answers(story, intake)
            # Stories repeat their answers: screen each set once (the phrase search is slow).
            if answers not in checks:
                checks[answers] = gate.check(answers, profiles)
            check = checks[answers]
            if check.stop(technique.slug, acknowledged=False) is not None:
                raise ValueError(f"The demo answers of {name} would not pass the screen.")
            status = BookingStatus.COMPLETED
            if (name, k + 1) in NO_SHOWS:
                status = BookingStatus.NO_SHOW
            elif rng.random() < CANCEL_CHANCE:
                status = BookingStatus.CANCELLED
            plan.append(
                Planned(
                    client=name,
                    story=story,
                    therapist=therapist,
                    technique=technique,
                    minutes=minutes,
                    start=start,
                    intake=answers,
                    facts=check.facts(technique.slug),
                    status=status,
                    number=k + 1,
                    # Clients seen in the last fortnight go on with next week's bookings.
                    of=sessions if last_week > 1 else sessions + 1,
                    trend=trend,
                    pain_before=before,
                    pain_after=after,
                    outcome=None if rng.random() < UNANSWERED_CHANCE else later,
                )
            )
    return plan


def _client(name: str, index: int, first_booked: datetime) -> Client:
    """As an online booking attaches: the client with exactly this email, else a new one."""
    email = demo_email(name)
    existing = Client.objects.filter(email__iexact=email).order_by("pk").first()
    if existing is not None:
        return existing.merged_into or existing
    client = Client.objects.create(
        name=name,
        email=email,
        phone=f"+447700900{100 + index:03d}",
        staff_notes="Prefers mornings; parks round the back." if index % 7 == 3 else "",
    )
    Client.objects.filter(pk=client.pk).update(created_at=first_booked)
    return client


def _bookings(
    plan: list[Planned], rules: availability.Rules, now: datetime
) -> list[tuple[Planned, Booking]]:
    rng = random.Random(SEED + 1)  # noqa: S311 (demo data, not a secret)
    prices = {
        (length.technique_id, length.minutes): length.price
        for length in SessionLength.objects.filter(technique__in={p.technique.pk for p in plan})
    }
    firsts: dict[str, datetime] = {}
    booked_at = {}
    for p in plan:
        booked_at[id(p)] = p.start - timedelta(days=rng.randint(2, 9), hours=rng.randint(0, 9))
        firsts.setdefault(p.client, booked_at[id(p)])
    clients = {
        name: _client(name, index, firsts[name])
        for index, (name, *_) in enumerate(CLIENTS)
        if name in firsts
    }
    bookings = []
    for p in plan:
        made = booked_at[id(p)]
        end = p.start + timedelta(minutes=p.minutes)
        facts = p.facts
        cancelled = p.status == BookingStatus.CANCELLED
        booking = Booking(
            client=clients[p.client],
            client_name=p.client,
            client_email=demo_email(p.client),
            client_phone=clients[p.client].phone,
            therapist=p.therapist,
            technique=p.technique,
            length_minutes=p.minutes,
            price=prices.get((p.technique.pk, p.minutes), Decimal("0")),
            start=p.start,
            end=end,
            blocked_until=end + rules.buffer,
            status=p.status,
            intake_answers=p.intake.to_dict(),
            health_consent_at=made,
            # Demo clients tapped the link in their booking email: their records are whole.
            email_confirmed_at=made,
            warning_flags=facts.warning_flags,
            health_conditions=facts.conditions,
            text_checks=facts.text_checks,
            acknowledged_advice=facts.acknowledged_advice,
            sms_opt_in=len(p.client) % 3 == 0,
            cancelled_at=p.start - timedelta(days=1, hours=rng.randint(1, 20))
            if cancelled
            else None,
            cancel_reason=rng.choice(["Unwell", "Work came up", ""]) if cancelled else "",
        )
        bookings.append((p, booking))
    rows = Booking.objects.bulk_create([booking for _, booking in bookings])
    # auto_now_add stamped today: a real booking was made days before its session.
    for p, booking in bookings:
        booking.created_at = booked_at[id(p)]
        booking.updated_at = min(now, booking.end + timedelta(hours=1))
    Booking.objects.bulk_update(rows, ["created_at", "updated_at"])
    return bookings


def _outcomes(made: list[tuple[Planned, Booking]], now: datetime) -> int:
    """Every emailed booking has its request, as `notifications._queue_outcome_ask`
    makes them; a completed session's client answers it two days later, mostly."""
    rng = random.Random(SEED + 2)  # noqa: S311 (demo data, not a secret)
    requests = []
    for p, booking in made:
        asked = booking.end + OUTCOME_ASK_DELAY
        answered_at = asked + timedelta(hours=rng.randint(1, 30))
        answered = (
            p.status == BookingStatus.COMPLETED and p.outcome is not None and answered_at < now
        )
        requests.append(
            OutcomeRequest(
                booking=booking,
                score=p.outcome if answered else None,
                answered_at=answered_at if answered else None,
                expires=asked + OUTCOME_ANSWER_WINDOW,
                **intake_baseline(booking.intake_answers),
            )
        )
    OutcomeRequest.objects.bulk_create(requests)
    return sum(1 for r in requests if r.score is not None)


def _notes(made: list[tuple[Planned, Booking]], now: datetime) -> int:
    rng = random.Random(SEED + 3)  # noqa: S311 (demo data, not a secret)
    users = {t.pk: User.objects.get(pk=t.user_id) for t in {p.therapist for p, _ in made}}
    last_before: dict[str, int] = {}
    last_after: dict[str, int] = {}
    written = []
    for p, booking in made:
        if p.status != BookingStatus.COMPLETED:
            continue
        facts = demo_notes.SessionFacts(
            first_name=p.client.split()[0],
            areas=p.story.areas,
            feelings=p.story.feelings,
            triggers=p.story.triggers,
            technique=p.technique.name,
            number=p.number,
            of=p.of,
            pain_before=p.pain_before,
            pain_after=p.pain_after,
            last_pain_before=last_before.get(p.client),
            last_pain_after=last_after.get(p.client),
            trend=p.trend,
        )
        last_before[p.client], last_after[p.client] = p.pain_before, p.pain_after
        note = notes.write_note(
            booking=booking,
            by=users[p.therapist.pk],
            now=min(now, booking.end + timedelta(minutes=rng.randint(10, 300))),
            techniques=[p.technique],
            pressure=p.story.pressure if p.story.pressure != "any" else "medium",
            areas=list(p.story.areas),
            pain_before=p.pain_before,
            pain_after=p.pain_after,
            **demo_notes.soap(facts, rng),
        )
        written.append((p, note))
    # Two therapists came back to a note days later: the original stays readable.
    old = [(p, n) for p, n in written if n.created_at < now - timedelta(days=4)]
    for p, note in old[3:4] + old[-6:-5]:
        notes.amend_note(
            note=note,
            by=users[p.therapist.pk],
            now=note.created_at + timedelta(days=2),
            plan=note.plan + " Client phoned: sore for a day afterwards, then easier.",
            pain_after=min(10, p.pain_after + 1),
        )
    return len(written)


def history_exists() -> bool:
    """Completed sessions come only from here (the service books them confirmed)."""
    return Booking.objects.filter(
        client_email__endswith=f"@{DEMO_EMAIL_DOMAIN}", status=BookingStatus.COMPLETED
    ).exists()


def ensure_history(*, now: datetime) -> dict[str, int]:
    """Write the demo's past once; what was made by status, plus "notes" and "answers".
    Empty when the history is already there or the demo therapists are missing."""
    with transaction.atomic():
        if history_exists():
            return {}
        therapists = {
            t.user.username: t
            for t in Therapist.objects.select_related("user").filter(
                user__username__in={c[2] for c in CLIENTS}
            )
        }
        if not therapists:
            return {}
        zone = selectors.clinic_zone()
        rules = ClinicRules.load().as_rules()
        rng = random.Random(SEED)  # noqa: S311 (demo data, not a secret)
        plan = _plan(therapists, now, rules, zone, rng)
        if not plan:
            return {}
        booked = _bookings(plan, rules, now)
        made: dict[str, int] = defaultdict(int)
        for p in plan:
            made[p.status] += 1
        made["answers"] = _outcomes(booked, now)
        made["notes"] = _notes(booked, now)
        diary_changed()
        return dict(made)
