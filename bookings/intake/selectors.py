from functools import cache
from types import MappingProxyType
from typing import Any

from django.db import connection

from bookings.intake.profiles import ConditionRule, TechniqueProfile
from catalog.models import Technique, WarningPhrase

# The suggestion ----------------------------------------------------------------


def load_profiles() -> list[TechniqueProfile]:
    """The offered techniques' profiles, read in four queries whatever their number."""
    return [
        TechniqueProfile(
            slug=technique.slug,
            name=technique.name,
            summary=technique.summary,
            display_order=technique.display_order,
            pressure=technique.pressure,
            self_care=technique.reviewed_self_care,
            weights=MappingProxyType({w.answer: w.weight for w in technique.answer_weights.all()}),
            keywords=MappingProxyType(
                {k.keyword: k.weight for k in technique.keyword_weights.all()}
            ),
            rules=tuple(
                ConditionRule(condition=r.condition, effect=r.effect, reason=r.reason)
                for r in technique.condition_rules.all()
            ),
        )
        for technique in Technique.objects.active().with_indications()
    ]


@cache
def _safety_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    """The safety profiles' statement as the ORM writes it (plain text and numbers come
    back, nothing to convert), compiled once per process and database: building and
    compiling it cost twice what the database takes to answer it (issue 26)."""
    del alias  # part of the key only: the queryset is compiled for the default database
    query = (
        Technique.objects.active()
        .order_by("display_order", "name", "slug")
        .values_list(
            "slug",
            "name",
            "summary",
            "display_order",
            "pressure",
            "condition_rules__condition",
            "condition_rules__effect",
            "condition_rules__reason",
        )
    ).query
    return query.sql_with_params()


def load_safety_profiles() -> list[TechniqueProfile]:
    """The offered techniques as the safety screen reads them (`safety.screen`: slug,
    name, order and condition rules; no suggestion weights), in one query: the booking
    steps screen every visitor's answers with these, and every booking reads them again
    (`booking.services.require_safe`): its SQL, which never changes, is compiled once."""
    sql, params = _safety_sql(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    fields: dict[str, tuple[str, str, int, str]] = {}
    rules: dict[str, list[ConditionRule]] = {}
    for slug, name, summary, order, pressure, condition, effect, reason in rows:
        fields[slug] = (name, summary, order, pressure)
        found = rules.setdefault(slug, [])
        if condition is not None:
            found.append(ConditionRule(condition=condition, effect=effect, reason=reason))
    return [
        TechniqueProfile(
            slug=slug,
            name=name,
            summary=summary,
            display_order=order,
            pressure=pressure,
            rules=tuple(sorted(rules[slug], key=lambda rule: rule.condition)),
        )
        for slug, (name, summary, order, pressure) in fields.items()
    ]


def warning_phrases() -> list[tuple[str, str]]:
    """Every (warning sign, phrase) clinical leads keep, for `screening.find_warning_phrases`."""
    return list(WarningPhrase.objects.order_by("sign", "phrase").values_list("sign", "phrase"))
