import pytest

from bookings.records.outcome_report import Figure, SessionOutcome, outcome_report


def session(client_id, technique, before, after, areas=(), feelings=()):
    return SessionOutcome(
        client_id=client_id,
        technique=technique,
        intake_score=before,
        outcome_score=after,
        areas=areas,
        feelings=feelings,
    )


# Four clients: three had Swedish (one of them twice), two deep tissue.
DATA = [
    session(1, "Swedish", 8, 4, ("lower",), ("tight",)),
    session(1, "Swedish", 6, 3, ("lower",), ("tight",)),
    session(2, "Swedish", 5, 5, ("lower", "upper"), ("knots",)),
    session(3, "Swedish", 7, 2, ("neck_shoulders",), ("tight", "knots")),
    session(4, "Deep tissue", 9, 8, ("lower",), ()),
    session(2, "Deep tissue", 4, 6, ("lower",), ("tight",)),
]


def test_overall_is_the_average_change_over_every_session():
    report = outcome_report(DATA)
    # (-4 - 3 + 0 - 5 - 1 + 2) / 6
    assert report.overall == Figure("All sessions", clients=4, sessions=6, average_change=-1.8)


@pytest.mark.parametrize(
    ("label", "clients", "sessions", "average"),
    [
        ("Deep tissue", 2, 2, None),  # two clients: withheld
        ("Swedish", 3, 4, -3.0),  # (-4 - 3 + 0 - 5) / 4
    ],
)
def test_by_technique(label, clients, sessions, average):
    figures = {f.label: f for f in outcome_report(DATA).by_technique}
    assert figures[label] == Figure(label, clients, sessions, average)


def test_techniques_are_listed_by_name():
    assert [f.label for f in outcome_report(DATA).by_technique] == ["Deep tissue", "Swedish"]


@pytest.mark.parametrize(
    ("label", "clients", "sessions", "average"),
    [
        ("Lower back", 3, 5, -1.2),  # (-4 - 3 + 0 - 1 + 2) / 5
        ("Upper back", 1, 1, None),
        ("Neck and shoulders", 1, 1, None),
    ],
)
def test_by_where_it_hurts_in_the_forms_order(label, clients, sessions, average):
    figures = outcome_report(DATA).by_area
    assert [f.label for f in figures] == ["Lower back", "Upper back", "Neck and shoulders"]
    assert {f.label: f for f in figures}[label] == Figure(label, clients, sessions, average)


def test_by_what_it_feels_like():
    figures = {f.label: f for f in outcome_report(DATA).by_feeling}
    tight = figures["Tight or stiff"]
    # Clients 1 (twice), 2 and 3: (-4 - 3 - 5 + 2) / 4
    assert (tight.clients, tight.sessions, tight.average_change) == (3, 4, -2.5)
    assert figures[next(k for k in figures if k.startswith("Knots"))].withheld


def test_a_lower_threshold_shows_small_groups():
    figures = {f.label: f for f in outcome_report(DATA, min_clients=2).by_technique}
    assert figures["Deep tissue"].average_change == 0.5  # (-1 + 2) / 2


def test_a_client_ticking_an_area_twice_counts_once():
    report = outcome_report([session(1, "Swedish", 5, 3, ("lower", "lower"))], min_clients=1)
    assert report.by_area == [Figure("Lower back", 1, 1, -2.0)]


def test_no_outcomes_make_an_empty_report():
    report = outcome_report([])
    assert report.overall == Figure("All sessions", 0, 0, None)
    assert report.overall_list == []
    assert report.by_technique == report.by_area == report.by_feeling == []
