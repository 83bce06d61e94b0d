"""The client page's treatment notes: `{% client_notes client %}` in _notes.html.

A tag rather than context from ClientAdmin so the client page's own code stays as it is:
the tag asks who may read which notes and records the look when it shows any.
"""

from typing import Any

from django import template
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from bookings.models import Client, OutcomeRequest
from bookings.privacy import looks
from bookings.records import notes

register = template.Library()


@register.inclusion_tag("admin/bookings/client/_notes_table.html", takes_context=True)
def client_notes(context: template.Context, client: Client) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    if not notes.may_read_any_notes(user):
        return {"may_read_notes": False}
    shown = list(
        notes.visible_notes(user)
        .filter(booking__client=client)
        .select_related("booking__therapist", "written_by")
        .prefetch_related("techniques", "amendments")
        # Beside the note's before and after: whether the relief lasted, in the client's
        # own answer two days later (the same query, not one per note).
        .annotate(
            answer_two_days_later=Subquery(
                OutcomeRequest.objects.filter(booking=OuterRef("booking_id"))
                .order_by()
                .values("score")[:1]
            )
        )
        .order_by("-booking__start")
    )
    if shown:
        looks.record_look(user=user, opened=client, now=timezone.now())
    return {
        "client": client,
        "notes": [(note, notes.note_lines(note, list(note.amendments.all()))) for note in shown],
        "may_read_notes": True,
        "shows_answers": user.has_perm("bookings.view_outcomerequest"),
        "shows_trail": user.is_superuser,
    }


@register.simple_tag
def notes_retention_notice(client: Client) -> str:
    """The erasure page's plain word on what happens to the client's treatment notes."""
    return notes.retention_notice(client, now=timezone.now())
