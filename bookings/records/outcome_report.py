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


@dataclass(frozen=True)
class Group:
    """What a figure is made of: how many clients and sessions, and the sum of the
    sessions' changes. The database adds these up (records/selectors.outcome_groups);
    `outcome_report` adds them up from sessions."""

    clients: int
    sessions: int
    total_change: int


def _figure(label: str, group: Group | None, min_clients: int) -> Figure:
    if group is None:
        return Figure(label=label, clients=0, sessions=0, average_change=None)
    average = None
    if group.sessions and group.clients >= min_clients:
        average = round(group.total_change / group.sessions, 1)
    return Figure(label, group.clients, group.sessions, average)


def _group(outcomes: list[SessionOutcome]) -> Group:
    return Group(
        clients=len({o.client_id for o in outcomes}),
        sessions=len(outcomes),
        total_change=sum(o.change for o in outcomes),
    )


def _by_answer(groups: dict[str, Group], question: Question, min_clients: int) -> list[Figure]:
    # The form's order, then any code the vocabulary no longer has.
    codes = list(question.in_order(groups)) + sorted(set(groups) - set(question.codes))
    return [_figure(question.label_of(code), groups[code], min_clients) for code in codes]


def report_from_groups(
    *,
    overall: Group,
    by_technique: dict[str, Group],
    by_area: dict[str, Group],
    by_feeling: dict[str, Group],
    min_clients: int = MIN_CLIENTS,
) -> OutcomeReport:
    return OutcomeReport(
        overall=_figure("All sessions", overall, min_clients),
        by_technique=[
            _figure(name, by_technique[name], min_clients) for name in sorted(by_technique)
        ],
        by_area=_by_answer(by_area, AREAS, min_clients),
        by_feeling=_by_answer(by_feeling, FEELINGS, min_clients),
    )


def _groups_by(outcomes: list[SessionOutcome], key: str) -> dict[str, Group]:
    members: dict[str, list[SessionOutcome]] = defaultdict(list)
    for outcome in outcomes:
        for code in set(getattr(outcome, key)):
            members[code].append(outcome)
    return {code: _group(rows) for code, rows in members.items()}


def outcome_report(
    sessions: Iterable[SessionOutcome], *, min_clients: int = MIN_CLIENTS
) -> OutcomeReport:
    outcomes = list(sessions)
    by_technique: dict[str, list[SessionOutcome]] = defaultdict(list)
    for outcome in outcomes:
        by_technique[outcome.technique].append(outcome)
    return report_from_groups(
        overall=_group(outcomes),
        by_technique={name: _group(rows) for name, rows in by_technique.items()},
        by_area=_groups_by(outcomes, "areas"),
        by_feeling=_groups_by(outcomes, "feelings"),
        min_clients=min_clients,
    )
