import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from bookings.models import Client
from bookings.records import outcome_figures as outcome_figures_module
from bookings.records import selectors
from bookings.records.outcome_figures import outcome_groups_report
from bookings.records.pain_chart import PainPoint
from tests.clock import NOW
from tests.factories import (
    INTAKE_ANSWERS,
    BookingFactory,
    ClientFactory,
    OutcomeRequestFactory,
)

REPORT_URL = reverse("admin:bookings_outcomerequest_changelist")


def squash(html):
    return re.sub(r">\s+<", "><", html)


def session(client, days_ago, *, intensity=None, score=None, **answers):
    """A completed session `days_ago` days before now, with an intake pain score kept
    if `intensity` is given and the outcome answered two days later if `score` is."""
    start = NOW - timedelta(days=days_ago)
    booking = BookingFactory(
        client=client,
        start=start,
        status="completed",
        intake_answers=None
        if intensity is None
        else INTAKE_ANSWERS | {"intensity": intensity} | answers,
    )
    OutcomeRequestFactory(
        booking=booking,
        score=score,
        answered_at=None if score is None else booking.end + timedelta(days=2),
    )
    return booking


@pytest.fixture
def jane(db):
    jane = ClientFactory(name="Jane Doe")
    session(jane, 30, intensity=7, score=5)  # Sun 31 Jan
    session(jane, 16, intensity=6, score=4)  # Sun 14 Feb: her later intake is not a point
    session(jane, 9)  # Sun 21 Feb, never answered
    return jane


def test_the_pain_series_is_the_first_intake_then_each_answer_in_one_query(
    jane, django_assert_num_queries
):
    session(ClientFactory(), 20, intensity=9, score=9)  # someone else
    with django_assert_num_queries(1):
        points = selectors.client_pain_series(jane.pk)
    assert points == [
        PainPoint(date(2026, 1, 31), 7, "Intake"),
        PainPoint(date(2026, 2, 2), 5, "After the session of Sat 31 Jan 2026"),
        PainPoint(date(2026, 2, 16), 4, "After the session of Sat 14 Feb 2026"),
    ]


def test_without_kept_intake_answers_the_series_starts_at_the_first_answer(db):
    client = ClientFactory()
    session(client, 10, score=6)
    assert [p.source for p in selectors.client_pain_series(client.pk)] == [
        "After the session of Fri 20 Feb 2026"
    ]


def test_the_client_page_partial_shows_the_chart_and_its_table_in_one_query(
    jane, superuser, django_assert_num_queries
):
    request = RequestFactory().get("/")
    request.user = superuser
    ContentType.objects.get_for_model(Client)  # cached for the rest of a server's life
    # The reader's rule (their groups), the one query of the series, the look on the
    # trail, the client's progress against their baseline (records/responders.py) and
    # their everyday-activity scores.
    with django_assert_num_queries(5):
        html = render_to_string(
            "admin/bookings/client/_outcomes.html", {"client": jane}, request=request
        )
    assert html.count("<svg ") == 1
    assert 'aria-label="Pain from 7 on 31 Jan to 4 on 16 Feb, out of 10, over 3 scores."' in html
    assert "<caption>Pain scores, 0 to 10</caption>" in html
    assert '<tr><th scope="row">Sat 31 Jan 2026</th><td>Intake</td><td>7</td></tr>' in html
    assert "<td>After the session of Sat 14 Feb 2026</td><td>4</td>" in html


def partial_for(user, client):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "admin/bookings/client/_outcomes.html", {"client": client}, request=request
    )


@pytest.mark.parametrize("who", ["clinical_lead", "therapist_user"])
def test_clinical_leads_and_therapists_see_pain_over_time(request, jane, who):
    assert "Pain over time" in partial_for(request.getfixturevalue(who), jane)


@pytest.mark.parametrize("who", ["front_desk_user", "content_editor"])
def test_front_desk_and_content_editors_never_see_pain_scores(request, jane, who):
    assert partial_for(request.getfixturevalue(who), jane).strip() == ""


def test_a_client_without_scores_says_so(db, superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    html = render_to_string(
        "admin/bookings/client/_outcomes.html", {"client": ClientFactory()}, request=request
    )
    assert "<svg" not in html
    assert "No pain scores yet" in html


# The report --------------------------------------------------------------------


@pytest.fixture
def outcomes(db):
    for n, (before, after) in enumerate([(8, 4), (6, 6), (7, 2)]):
        session(ClientFactory(), 10 + n, intensity=before, score=after, areas=["upper"])
    session(ClientFactory(), 20, intensity=5, score=3)  # an answer with no intake: left out
    session(ClientFactory(), 21, score=3)


def test_the_report_shows_each_figure_with_its_clients(client, clinical_lead, outcomes):
    client.force_login(clinical_lead)
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = squash(response.content.decode())
    # (-4 + 0 - 5 + (3 - 5)) / 4 over the four sessions with an intake score
    assert '<th scope="row">All sessions</th><td>-2.8</td><td>4</td><td>4</td>' in html
    assert '<th scope="row">Upper back</th><td>-3.0</td><td>3</td><td>3</td>' in html
    assert (
        '<th scope="row">Lower back</th><td>Not shown: fewer than 3 clients</td><td>1</td>'
    ) in html


def test_the_report_reads_its_data_in_one_query_however_many_outcomes(
    client, clinical_lead, outcomes, django_assert_num_queries
):
    with django_assert_num_queries(1):
        assert len(selectors.session_outcomes()) == 4
    client.force_login(clinical_lead)
    # Session, user, their permissions (two), then the figures added up by the database
    # in one statement (overall, by technique, by area, by feeling, and the responder
    # rates): the same count with three times the outcomes. On PostgreSQL the statement
    # runs in its own transaction with JIT off (a savepoint here, the SET, the release).
    expected = 8 if connection.vendor == "postgresql" else 5
    with django_assert_num_queries(expected):
        client.get(REPORT_URL)
    for n in range(8):
        session(ClientFactory(), 40 + n, intensity=5, score=n)
    cache.clear()  # the counted copy (test below) would answer otherwise
    with django_assert_num_queries(expected):
        client.get(REPORT_URL)


def test_the_report_is_counted_again_at_most_every_ten_minutes(
    client, clinical_lead, outcomes, django_assert_num_queries
):
    """One count serves every lead for ten minutes, and the page says when it was
    counted; later answers show once the copy is ten minutes old."""
    client.force_login(clinical_lead)
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        first = client.get(REPORT_URL).content.decode()
        assert "Counted Mon 2 Mar 2026, 09:00." in first
        # Session, user, their permissions (two): no statement for the figures.
        with django_assert_num_queries(4):
            again = client.get(REPORT_URL).content.decode()
        assert "Counted Mon 2 Mar 2026, 09:00." in again
    with time_machine.travel(datetime(2026, 3, 2, 9, 11, tzinfo=UTC), tick=False):
        later = client.get(REPORT_URL).content.decode()
    assert "Counted Mon 2 Mar 2026, 09:11." in later


def test_the_report_is_counted_when_the_cache_fails(client, clinical_lead, outcomes, monkeypatch):
    class DownCache:
        def get(self, key: str) -> None:
            raise ConnectionError("cache down")

        def set(self, *args: object) -> None:
            raise ConnectionError("cache down")

    monkeypatch.setattr(outcome_figures_module, "cache", DownCache())
    client.force_login(clinical_lead)
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    assert "Responders by technique" in response.content.decode()


def test_the_report_added_up_by_the_database_has_the_pure_reports_figures(outcomes):
    from bookings.records.outcome_report import outcome_report

    shared = ClientFactory()
    for n in range(4):
        session(shared, 30 + n, intensity=9 - n, score=n, areas=["upper", "upper", "lower"])
    no_client = session(ClientFactory(), 50, intensity=4, score=7, feelings=["ache", "stiff"])
    no_client.client = None
    no_client.save()
    for minimum in [1, 3, 5]:
        from_python = outcome_report(selectors.session_outcomes(), min_clients=minimum)
        assert outcome_groups_report(min_clients=minimum) == from_python
    assert outcome_groups_report().overall.sessions == 9


@pytest.mark.parametrize("who", ["front_desk_user", "therapist_user", "content_editor"])
def test_only_clinical_leads_and_superusers_read_the_report(client, request, who, superuser):
    client.force_login(request.getfixturevalue(who))
    assert client.get(REPORT_URL).status_code == 403
    client.force_login(superuser)
    assert client.get(REPORT_URL).status_code == 200


def test_no_single_outcome_has_an_admin_page(client, superuser):
    outcome = OutcomeRequestFactory(answered=True)
    client.force_login(superuser)
    assert client.get(f"{REPORT_URL}{outcome.pk}/change/").status_code == 404


def test_the_client_page_shows_the_chart_to_a_superuser_and_not_to_front_desk(
    client, jane, superuser, front_desk_user
):
    page = reverse("admin:bookings_client_change", args=[jane.pk])
    client.force_login(superuser)
    assert 'role="img" aria-label="Pain from 7' in client.get(page).content.decode()
    client.force_login(front_desk_user)
    response = client.get(page)
    assert response.status_code == 200
    assert "Pain over time" not in response.content.decode()
