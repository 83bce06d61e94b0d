from datetime import date

import pytest

from bookings.records.pain_chart import PainPoint, pain_chart_svg, summary

SERIES = [
    PainPoint(date(2026, 2, 2), 8, "Intake"),
    PainPoint(date(2026, 2, 11), 5, "After the session of 9 February"),
    PainPoint(date(2026, 2, 25), 2, "After the session of 23 February"),
]


def test_the_chart_draws_one_point_per_score_from_left_to_right():
    svg = pain_chart_svg(SERIES)
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert svg.count("<circle ") == 3
    # 10 is at the top (y=16), 0 at the bottom (y=180): 8, 5 and 2 fall between.
    assert 'cx="40.0" cy="48.8"' in svg
    assert 'cx="284.0" cy="98.0"' in svg
    assert 'cx="528.0" cy="147.2"' in svg
    assert 'points="40.0,48.8 284.0,98.0 528.0,147.2"' in svg


def test_the_chart_is_an_image_named_by_what_it_shows():
    svg = pain_chart_svg(SERIES)
    assert 'role="img"' in svg
    assert 'aria-label="Pain from 8 on 2 Feb to 2 on 25 Feb, out of 10, over 3 scores."' in svg


def test_the_chart_labels_each_point_with_its_score_and_day():
    svg = pain_chart_svg(SERIES)
    for words in (">8<", ">5<", ">2<", ">2 Feb<", ">11 Feb<", ">25 Feb<"):
        assert words in svg


def test_a_single_score_is_a_point_in_the_middle_and_no_line():
    svg = pain_chart_svg(SERIES[:1])
    assert svg.count("<circle ") == 1
    assert "<polyline" not in svg
    assert 'cx="284.0"' in svg  # midway between LEFT and WIDTH - RIGHT


def test_no_scores_draw_nothing():
    assert pain_chart_svg([]) == ""
    assert summary([]) == "No pain scores yet."


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        (SERIES[:1], "Pain 8 out of 10 on 2 Feb (intake)."),
        (SERIES[1:], "Pain from 5 on 11 Feb to 2 on 25 Feb, out of 10, over 2 scores."),
    ],
)
def test_the_summary_says_where_pain_started_and_ended(points, expected):
    assert summary(points) == expected


def test_words_in_the_chart_are_escaped():
    svg = pain_chart_svg([PainPoint(date(2026, 2, 2), 3, 'Intake <script>"')])
    assert "<script>" not in svg
