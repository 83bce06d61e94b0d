"""The outcomes report and its responder rates, added up by the database.

The same figures as `outcome_report(session_outcomes())` and
`responder_rates(session_scores())` (records/selectors.py, the pure modules beside it)
without reading every answer into Python: 65,000 answers at L took 0.5 s to build as
rows. One statement, whatever the number of answers. A booking without a client counts
as its own client, as in session_outcomes.
"""

import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from bookings.records.outcome_report import MIN_CLIENTS, Group, OutcomeReport, report_from_groups
from bookings.records.responders import (
    IMPORTANT_CHANGE,
    IMPORTANT_SHARE_PERCENT,
    RECOVERED_AT_MOST,
    ResponderRate,
    rates_from_counts,
)

logger = logging.getLogger(__name__)

# The report is counted again at most this often. Its figures are counts and averages
# over all clients (no visitor's data), so one copy serves every clinical lead; at five
# years of a 50-therapist chain a count takes about 0.4 s (docs/benchmarks.md).
COUNTED_KEY = "outcome-figures:v1"
COUNTED_SECONDS = 10 * 60

_ELEMENTS = {
    "postgresql": "jsonb_array_elements_text({field}) AS a(value)",
    "sqlite": "json_each({field}) AS a",
}
_FIGURES = "COUNT(DISTINCT who), COUNT(*), SUM(change)"


def _elements(field: str) -> str:
    return _ELEMENTS.get(connection.vendor, _ELEMENTS["sqlite"]).format(field=field)


def _by_code(kind: str, field: str) -> str:
    # One row per answer and code (DISTINCT: a code listed twice counts once).
    return (
        f"SELECT '{kind}', code, {_FIGURES} FROM (SELECT DISTINCT answered.id, "  # noqa: S608
        f"a.value AS code, who, change FROM answered, {_elements(f'answered.{field}')}) p "
        "GROUP BY code"
    )


# band_of(baseline, score).responded (records/responders.py), with its thresholds.
_RESPONDED = (
    f"CASE WHEN score - baseline >= {IMPORTANT_CHANGE} THEN 0 "
    f"WHEN score <= {RECOVERED_AT_MOST} AND baseline > {RECOVERED_AT_MOST} THEN 1 "
    f"WHEN baseline - score >= {IMPORTANT_CHANGE} "
    f"AND (baseline - score) * 100 >= {IMPORTANT_SHARE_PERCENT} * baseline THEN 1 ELSE 0 END"
)

# A client's requests in session order from their first kept intake score on (the
# baseline, with the areas it named); of their answers, the latest of all and the
# latest after each technique (no later answer in the same window), with its band.
_RESPONDERS = (
    "course AS (SELECT client_id AS who, technique_id, start, id, intake_score, score, "  # noqa: S608
    "intake_areas, COUNT(intake_score) OVER (PARTITION BY client_id ORDER BY start, id "
    "ROWS UNBOUNDED PRECEDING) AS intakes FROM kept WHERE client_id IS NOT NULL), "
    "baselined AS (SELECT who, technique_id, score, "
    "FIRST_VALUE(intake_score) OVER client_order AS baseline, "
    "FIRST_VALUE(intake_areas) OVER client_order AS areas, "
    "COUNT(score) OVER (client_order ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) "
    "AS later, COUNT(score) OVER (PARTITION BY who, technique_id ORDER BY start, id "
    "ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS later_here "
    "FROM course WHERE intakes > 0 "
    "WINDOW client_order AS (PARTITION BY who ORDER BY start, id)), "
    f"latest AS MATERIALIZED (SELECT who, technique_id, areas, later, later_here, "
    f"{_RESPONDED} AS responded FROM baselined "
    "WHERE score IS NOT NULL AND (later = 0 OR later_here = 0))"
)


def _figures_sql() -> str:
    # Constant SQL only: the names come from this module, never from a request.
    return (
        "WITH kept AS MATERIALIZED (SELECT o.id, b.id AS booking_id, b.client_id, "  # noqa: S608
        "b.technique_id, b.start, o.intake_score, o.score, o.intake_areas, o.intake_feelings "
        "FROM bookings_outcomerequest o JOIN bookings_booking b ON b.id = o.booking_id "
        "WHERE o.intake_score IS NOT NULL OR o.score IS NOT NULL), "
        "answered AS MATERIALIZED (SELECT id, COALESCE(client_id, -booking_id) AS who, "
        "score - intake_score AS change, technique_id, intake_areas, intake_feelings "
        f"FROM kept WHERE score IS NOT NULL AND intake_score IS NOT NULL), {_RESPONDERS} "
        f"SELECT 'all', '', {_FIGURES} FROM answered "
        f"UNION ALL SELECT 'technique', t.name, {_FIGURES} FROM answered "
        "JOIN catalog_technique t ON t.id = answered.technique_id GROUP BY t.name "
        f"UNION ALL {_by_code('area', 'intake_areas')} "
        f"UNION ALL {_by_code('feeling', 'intake_feelings')} "
        "UNION ALL SELECT 'rate technique', t.name, COUNT(*), SUM(responded), 0 FROM latest "
        "JOIN catalog_technique t ON t.id = latest.technique_id WHERE later_here = 0 "
        "GROUP BY t.name UNION ALL SELECT 'rate area', code, COUNT(*), SUM(responded), 0 "
        "FROM (SELECT DISTINCT latest.who, a.value AS code, responded "
        f"FROM latest, {_elements('latest.areas')} WHERE later = 0) p GROUP BY code"
    )


@dataclass(frozen=True)
class OutcomeFigures:
    report: OutcomeReport
    rates_by_technique: list[ResponderRate]
    rates_by_area: list[ResponderRate]


def outcome_figures(
    *, area_labels: dict[str, str], min_clients: int = MIN_CLIENTS
) -> OutcomeFigures:
    """The outcomes report and its responder rates in one statement: the outcome
    requests joined to their bookings once, then the answers grouped overall, by
    technique, by area and by feeling (each answer's codes counted once, as the pure
    report does), and each client's latest answers read against their baseline."""
    groups: dict[str, dict[str, Group]] = {"all": {}, "technique": {}, "area": {}, "feeling": {}}
    rates: dict[str, dict[str, tuple[int, int]]] = {"rate technique": {}, "rate area": {}}
    postgres = connection.vendor == "postgresql"
    with transaction.atomic() if postgres else nullcontext(), connection.cursor() as cursor:
        if postgres:
            # Each answer's codes are estimated at a hundred rows (one or two in fact),
            # which sets off JIT compiling: 0.4 s of the 0.8 s the groups took at L.
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(_figures_sql())
        for kind, key, clients, sessions, total in cursor.fetchall():
            if kind in rates:
                rates[kind][str(key)] = (int(clients), int(sessions))
            else:
                groups[kind][str(key)] = Group(int(clients), int(sessions), int(total or 0))
    by_technique, by_area = rates_from_counts(
        rates["rate technique"],
        rates["rate area"],
        area_labels=area_labels,
        min_clients=min_clients,
    )
    report = report_from_groups(
        overall=groups["all"][""],
        by_technique=groups["technique"],
        by_area=groups["area"],
        by_feeling=groups["feeling"],
        min_clients=min_clients,
    )
    return OutcomeFigures(report, by_technique, by_area)


def outcome_groups_report(*, min_clients: int = MIN_CLIENTS) -> OutcomeReport:
    return outcome_figures(area_labels={}, min_clients=min_clients).report


def counted_figures(*, area_labels: dict[str, str]) -> tuple[OutcomeFigures, datetime]:
    """The report's figures and when they were counted: the shared cache's copy while it
    is under COUNTED_SECONDS old, else counted now. A cache that fails only costs the
    count."""
    try:
        kept = cache.get(COUNTED_KEY)
    except Exception as error:
        logger.warning("Outcome figures not cached: the cache failed (%s)", type(error).__name__)
        kept = None
    if kept is not None:
        counted_at, figures, labels = kept
        if labels == area_labels:
            return figures, counted_at
    counted_at = timezone.now()
    figures = outcome_figures(area_labels=area_labels)
    try:
        cache.set(COUNTED_KEY, (counted_at, figures, area_labels), COUNTED_SECONDS)
    except Exception as error:
        logger.warning("Outcome figures not cached: the cache failed (%s)", type(error).__name__)
    return figures, counted_at
