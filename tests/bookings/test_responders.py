import pytest

from bookings.records.responders import Band, Progress, SessionScores, band_of, responder_rates


@pytest.mark.parametrize(
    ("baseline", "score", "band"),
    [
        (3, 2, Band.NO_CHANGE),  # a baseline of 3 improving by 1: under 2 points
        (8, 6, Band.NO_CHANGE),  # 8 improving by 2: 2 points but 25%, under 30%
        (8, 5, Band.IMPROVED),  # 8 improving by 3: 37.5%
        (7, 5, Band.NO_CHANGE),  # 2 points is 28.6% of 7
        (6, 4, Band.IMPROVED),  # 2 points is 33% of 6
        (5, 3, Band.IMPROVED),
        (10, 7, Band.IMPROVED),  # exactly 30%
        (10, 8, Band.NO_CHANGE),
        (3, 1, Band.RECOVERED),
        (9, 0, Band.RECOVERED),
        (2, 1, Band.RECOVERED),
        (1, 1, Band.NO_CHANGE),  # never above 1: nothing to recover from
        (0, 1, Band.NO_CHANGE),
        (4, 6, Band.WORSE),  # worse by 2
        (4, 5, Band.NO_CHANGE),  # worse by 1: within the scale's noise
        (0, 2, Band.WORSE),
        (5, 5, Band.NO_CHANGE),
    ],
)
def test_an_answer_is_read_against_the_baseline(baseline, score, band):
    assert band_of(baseline, score) is band


def test_before_any_answer_there_is_no_band_and_nothing_to_review():
    progress = Progress(baseline=7, scores=())
    assert progress.band is None
    assert not progress.needs_review
    assert progress.summary == "Intake 7: no answers after a session yet."


def test_worse_by_two_flags_at_the_first_answer():
    progress = Progress(baseline=4, scores=(6,))
    assert progress.needs_review
    assert progress.review_reason == "Worse by 2 points since the intake (4 to 6)."


def test_two_answers_without_improvement_are_not_yet_a_review():
    assert not Progress(baseline=8, scores=(7, 7)).needs_review


def test_three_answers_without_an_important_improvement_flag_for_review():
    progress = Progress(baseline=8, scores=(7, 7, 6))
    assert progress.band is Band.NO_CHANGE
    assert progress.review_reason == (
        "3 sessions without a clinically important improvement (intake 8, now 6)."
    )


def test_an_improvement_by_the_third_answer_keeps_the_client_off_the_list():
    progress = Progress(baseline=8, scores=(7, 6, 5))
    assert progress.band is Band.IMPROVED
    assert not progress.needs_review
    assert progress.summary == "Improved: intake 8, latest answer 5."


def test_a_relapse_after_improving_is_read_from_the_latest_answer():
    assert Progress(baseline=8, scores=(4, 5, 7)).needs_review


def session(client_id, technique, intake, outcome, areas=("lower",)):
    return SessionScores(client_id, technique, intake, outcome, areas)


LABELS = {"upper": "Upper back", "lower": "Lower back"}


def test_responder_rates_count_each_client_once_against_their_first_intake():
    sessions = [
        session(1, "Swedish", 8, 7),
        session(1, "Swedish", 7, 4),  # first intake 8, latest 4: improved
        session(2, "Swedish", 6, 6),
        session(3, "Swedish", 5, None),  # answered after the next session only
        session(3, "Swedish", None, 1),  # recovered
        session(4, "Swedish", None, 2),  # no intake kept: cannot be read
    ]
    techniques, areas = responder_rates(sessions, area_labels=LABELS)
    assert [(r.label, r.clients, r.responders, r.percent) for r in techniques] == [
        ("Swedish", 3, 2, 67)
    ]
    assert [(r.label, r.clients, r.responders) for r in areas] == [("Lower back", 3, 2)]


def test_a_client_counts_under_each_technique_by_their_latest_answer_after_it():
    sessions = [
        session(1, "Swedish", 8, 8),
        session(1, "Deep Tissue", None, 3),
        *[session(c, "Swedish", 8, 8) for c in (2, 3)],
        *[session(c, "Deep Tissue", 8, 8) for c in (4, 5)],
    ]
    techniques, areas = responder_rates(sessions, area_labels=LABELS)
    assert [(r.label, r.clients, r.responders) for r in techniques] == [
        ("Deep Tissue", 3, 1),
        ("Swedish", 3, 0),
    ]
    assert [(r.label, r.clients, r.responders) for r in areas] == [("Lower back", 5, 1)]


def test_a_rate_from_fewer_than_three_clients_is_withheld():
    techniques, _ = responder_rates(
        [session(1, "Deep Tissue", 8, 2), session(2, "Deep Tissue", 8, 2)], area_labels=LABELS
    )
    assert techniques[0].withheld
    assert techniques[0].percent is None
    assert techniques[0].clients == 2


def test_areas_follow_the_forms_order_then_unknown_codes():
    sessions = [session(c, "Swedish", 8, 2, areas=("upper", "lower", "hip")) for c in (1, 2, 3)]
    _, areas = responder_rates(sessions, area_labels=LABELS)
    assert [r.label for r in areas] == ["Upper back", "Lower back", "hip"]
