from typing import Any

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from bookings.models import Client
from bookings.privacy import looks
from bookings.records import pain_chart, selectors
from bookings.records.access import health_data_rule

register = template.Library()


@register.simple_tag(takes_context=True)
def pain_over_time(context: template.Context, client: Client) -> dict[str, Any]:
    """The client's pain scores for the client page, as far as the viewer may read them
    (records/access.py, the notes' rule): the chart and the same numbers for its table.
    Showing any is a look at the client's health data, on the trail."""
    user = context["request"].user
    rule = health_data_rule(user)
    points = selectors.client_pain_series(client.pk, readable=rule.outcomes())
    if points:
        looks.record_look(
            user=user, opened=client, now=timezone.now(), what=looks.Look.CLIENT_OUTCOMES
        )
    return {
        "points": points,
        # pain_chart escapes every value it writes into the markup.
        "svg": mark_safe(pain_chart.pain_chart_svg(points)),  # noqa: S308
        "summary": pain_chart.summary(points),
        # Read against the baseline: improved, recovered, no change or worse (responders.py).
        "progress": selectors.client_progress(client.pk, readable=rule.outcomes())
        if points
        else None,
        # Everyday activities (PSFS), given only with outcome answers.
        "activities": selectors.function_series(client.pk, readable=rule.outcomes())
        if points
        else [],
    }
