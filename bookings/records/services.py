from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from bookings.booking.errors import BookingError, InvalidBooking
from bookings.booking.locks import retry_on_deadlock
from bookings.messaging import notifications
from bookings.models import (
    FUNCTION_ACTIVITIES_MAX,
    Booking,
    BookingStatus,
    Client,
    FunctionActivity,
    FunctionScore,
    HomeCarePlan,
    HomeExercise,
    OutcomeRequest,
)


class MergeError(BookingError):
    pass


@retry_on_deadlock
def merge_clients(
    *, keep: Client, duplicate: Client, by: "User | None", now: datetime | None = None
) -> Client:
    """Front desk found one person twice: everything of `duplicate` moves to `keep`.

    The duplicate stays as an empty pointer (who merged it, when), so the merge is on
    record and an old link or a booking email sent to its address finds `keep`.
    Its blank-in-`keep` details fill `keep`'s; its staff notes are appended.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = {
            c.pk: c
            # The lock order (booking/locks.py): both records, by primary key, then their
            # bookings. A booking joining the duplicate meanwhile waits for this lock
            # (booking/locks.lock_clients, lock_clients_with_email) and then finds it
            # merged into `keep`.
            for c in Client.objects.select_for_update()
            .filter(pk__in=[keep.pk, duplicate.pk])
            .order_by("pk")
        }
        kept, dup = locked.get(keep.pk), locked.get(duplicate.pk)
        if kept is None or dup is None:
            raise MergeError("One of these clients no longer exists.")
        if kept.pk == dup.pk:
            raise MergeError("Choose another client: a record cannot be merged into itself.")
        if kept.merged_into_id is not None or dup.merged_into_id is not None:
            raise MergeError("One of these clients was already merged; reload the page.")
        Booking.objects.filter(client=dup).update(client=kept, updated_at=now)
        Client.objects.filter(merged_into=dup).update(merged_into=kept)
        for field in ("phone", "email", "date_of_birth"):
            if not getattr(kept, field) and getattr(dup, field):
                setattr(kept, field, getattr(dup, field))
        if dup.staff_notes.strip():
            kept.staff_notes = "\n\n".join(
                n
                for n in (
                    kept.staff_notes.strip(),
                    f"From {dup.name}'s merged record: {dup.staff_notes.strip()}",
                )
                if n
            )
        kept.save()
        dup.merged_into = kept
        dup.merged_at = now
        dup.merged_by = by
        dup.save(update_fields=["merged_into", "merged_at", "merged_by", "updated_at"])
        return kept


def record_outcome(*, outcome: OutcomeRequest, score: int, now: datetime) -> bool:
    """Store the client's 0-10 answer once. False when it was already answered or the
    link has expired (a second POST, a double click): the first answer stands."""
    if not 0 <= score <= 10:
        raise InvalidBooking("The answer is a number from 0 to 10.")
    with transaction.atomic():
        stored = OutcomeRequest.objects.filter(
            pk=outcome.pk, score__isnull=True, expires__gt=now
        ).update(score=score, answered_at=now)
    return bool(stored)


def may_write_home_care(user: Any, booking: Booking, *, now: datetime) -> bool:
    """The session's own therapist, once the session has started (a plan follows what
    they found), and never for a cancelled one."""
    return bool(
        user.is_authenticated
        and booking.status != BookingStatus.CANCELLED
        and booking.therapist.user_id == user.pk
        and booking.start <= now
    )


@transaction.atomic
def save_home_care_plan(
    *,
    booking: Booking,
    exercises: Iterable[HomeExercise],
    advice: str,
    by: User,
    now: datetime,
) -> tuple[HomeCarePlan, bool]:
    """Write or rewrite the session's home-care plan. The client is told once per plan,
    by email, that it is waiting; returns the plan and whether they were told now. A
    repeat of the same post saves the same plan and tells no one again."""
    if not may_write_home_care(by, booking, now=now):
        raise InvalidBooking(
            "Only the session's therapist writes its home-care plan, after it starts."
        )
    chosen = list(exercises)
    if not chosen and not advice.strip():
        raise InvalidBooking("Choose an exercise or write some advice.")
    plan, _ = HomeCarePlan.objects.select_for_update().get_or_create(
        booking=booking, defaults={"written_by": by, "written_at": now, "updated_at": now}
    )
    plan.advice = advice.strip()
    plan.updated_at = now
    told = False
    if plan.client_told_at is None and notifications.notify_home_care(booking, now=now):
        plan.client_told_at = now
        told = True
    plan.save()
    plan.exercises.set(chosen)
    return plan, told


def record_function_answers(
    *,
    outcome: OutcomeRequest,
    named: Sequence[tuple[str, int]] = (),
    scored: Mapping[int, int] | None = None,
    now: datetime,
) -> bool:
    """Store the everyday-activity answers given with `outcome`: newly `named`
    activities with their first scores, or the scores of the client's activities by id.
    Once per outcome: False when they were already given (a second POST)."""
    client_id = outcome.booking.client_id
    if client_id is None:
        raise InvalidBooking("These questions need a client record.")
    if any(not 0 <= score <= 10 for score in [*(s for _, s in named), *(scored or {}).values()]):
        raise InvalidBooking("Each answer is a number from 0 to 10.")
    with transaction.atomic():
        # One answer at a time per outcome: the lock makes a double click wait, then see.
        OutcomeRequest.objects.select_for_update().filter(pk=outcome.pk).first()
        if FunctionScore.objects.filter(outcome=outcome).exists():
            return False
        scores: dict[int, int] = dict(scored or {})
        known = set(
            FunctionActivity.objects.filter(client_id=client_id).values_list("pk", flat=True)
        )
        if not set(scores) <= known:
            raise InvalidBooking("Those activities are not this client's.")
        for name, score in named[:FUNCTION_ACTIVITIES_MAX]:
            activity = FunctionActivity.objects.create(
                client_id=client_id, named_in=outcome, name=name.strip()[:100], named_at=now
            )
            scores[activity.pk] = score
        FunctionScore.objects.bulk_create(
            FunctionScore(activity_id=pk, outcome=outcome, score=score, answered_at=now)
            for pk, score in scores.items()
        )
    return bool(scores)
