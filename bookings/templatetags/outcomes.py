from typing import Any

from django import template
from django.utils.safestring import mark_safe

from bookings.models import Client
from bookings.records import pain_chart, selectors

register = template.Library()


@register.simple_tag
def pain_over_time(client: Client) -> dict[str, Any]:
    """The client's pain scores for the client page: the chart and the same numbers for
    its table. Two queries."""
    points = selectors.client_pain_series(client.pk)
    return {
        "points": points,
        # pain_chart escapes every value it writes into the markup.
        "svg": mark_safe(pain_chart.pain_chart_svg(points)),  # noqa: S308
        "summary": pain_chart.summary(points),
    }
