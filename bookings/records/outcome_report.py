"""The clinical leads' outcomes report: how pain changed, by technique and by what the
client told the intake.

Pure: plain session outcomes in, figures out. One figure is the average, over
sessions, of (the session's outcome score - the intake score given when booking that
session): -3.0 means clients came back three points better on the 0-10 scale. Each
figure says how many clients and sessions stand behind it, and a figure from fewer
than MIN_CLIENTS clients is withheld: too few to mean anything, and too few to keep
the clients anonymous.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from catalog.vocabulary import AREAS, FEELINGS, Question

MIN_CLIENTS = 3


@dataclass(frozen=True)
class SessionOutcome:
    client_id: int
    technique: str
    intake_score: int
    outcome_score: int
    areas: tuple[str, ...] = ()
    feelings: tuple[str, ...] = ()

    @property
    def change(self) -> int:
        return self.outcome_score - self.intake_score


@dataclass(frozen=True)
class Figure:
    label: str
    clients: int
    sessions: int
    average_change: float | None
    """None when fewer than MIN_CLIENTS clients stand behind it."""

    @property
    def withheld(self) -> bool:
        return self.average_change is None


@dataclass(frozen=True)
class OutcomeReport:
    overall: Figure
    by_technique: list[Figure]
    by_area: list[Figure]
    by_feeling: list[Figure]

    @property
    def overall_list(self) -> list[Figure]:
        return [self.overall] if self.overall.sessions else []


def _figure(label: str, outcomes: list[SessionOutcome], min_clients: int) -> Figure:
    clients = len({o.client_id for o in outcomes})
    average = None
    if outcomes and clients >= min_clients:
        average = round(sum(o.change for o in outcomes) / len(outcomes), 1)
    return Figure(label=label, clients=clients, sessions=len(outcomes), average_change=average)


def _by_answer(
    outcomes: list[SessionOutcome], question: Question, field: str, min_clients: int
) -> list[Figure]:
    groups: dict[str, list[SessionOutcome]] = defaultdict(list)
    for outcome in outcomes:
        for code in set(getattr(outcome, field)):
            groups[code].append(outcome)
    # The form's order, then any code the vocabulary no longer has.
    codes = list(question.in_order(groups)) + sorted(set(groups) - set(question.codes))
    return [_figure(question.label_of(code), groups[code], min_clients) for code in codes]


def outcome_report(
    sessions: Iterable[SessionOutcome], *, min_clients: int = MIN_CLIENTS
) -> OutcomeReport:
    outcomes = list(sessions)
    by_technique: dict[str, list[SessionOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_technique[outcome.technique].append(outcome)
    return OutcomeReport(
        overall=_figure("All sessions", outcomes, min_clients),
        by_technique=[
            _figure(name, by_technique[name], min_clients) for name in sorted(by_technique)
        ],
        by_area=_by_answer(outcomes, AREAS, "areas", min_clients),
        by_feeling=_by_answer(outcomes, FEELINGS, "feelings", min_clients),
    )
