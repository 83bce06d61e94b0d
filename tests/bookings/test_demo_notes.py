import random

import pytest

from bookings.demo.notes import SessionFacts, soap

FIRST = SessionFacts(
    first_name="Priya",
    areas=("upper", "neck_shoulders"),
    feelings=("knots",),
    triggers=("sitting",),
    technique="Trigger Point Therapy",
    number=1,
    of=6,
    pain_before=7,
    pain_after=5,
    last_pain_before=None,
    last_pain_after=None,
    trend="better",
)


def test_a_first_note_says_where_it_hurts_in_words_and_the_scores():
    note = soap(FIRST, random.Random(1))

    assert note["subjective"].startswith("First visit. Priya describes pain in the upper back, ")
    assert "neck and shoulders, 7/10 today" in note["subjective"]
    assert "long sitting, desk work or posture" in note["subjective"]
    assert "pain 7 to 5 out of 10" in note["assessment"]
    assert all(note.values())


@pytest.mark.parametrize(
    ("before", "said"),
    [(5, "less pain|Sleeping better|Fewer bad days"), (7, "eased|much as|No real change")],
)
def test_a_later_note_reads_the_scores_against_last_time_not_the_trend(before, said):
    later = SessionFacts(
        **{**FIRST.__dict__, "number": 2, "pain_before": before, "pain_after": before - 2}
        | {"last_pain_before": 7, "last_pain_after": 5, "trend": "better"}
    )

    for seed in range(10):
        subjective = soap(later, random.Random(seed))["subjective"]
        assert any(words in subjective for words in said.split("|")), subjective
        assert "Left last time at 5/10." in subjective


def test_two_back_areas_read_as_one():
    facts = SessionFacts(**{**FIRST.__dict__, "areas": ("middle", "lower")})

    assert "pain in the middle and lower back, 7/10" in soap(facts, random.Random(0))["subjective"]


def test_the_last_session_of_a_course_going_well_hands_over_to_self_management():
    last = SessionFacts(**{**FIRST.__dict__, "number": 6, "last_pain_before": 3, "pain_before": 2})

    assert "Course finished" in soap(last, random.Random(0))["plan"]
