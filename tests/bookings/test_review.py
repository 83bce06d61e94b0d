import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from bookings.records import selectors
from bookings.records.responders import Band
from tests.clock import NOW
from tests.factories import (
    INTAKE_ANSWERS,
    BookingFactory,
    ClientFactory,
    OutcomeRequestFactory,
    TherapistFactory,
)

REVIEW_URL = reverse("admin:bookings_client_review")
REPORT_URL = reverse("admin:bookings_outcomerequest_changelist")


def squash(html):
    return re.sub(r">\s+<", "><", html)


def course(client, scores, *, intake, therapist=None, days_ago=60, areas=("upper",)):
    """Sessions a week apart, the first `days_ago` days before now: the first keeps the
    intake score `intake`, each answered with the next of `scores`."""
    extra = {} if therapist is None else {"therapist": therapist}
    for n, score in enumerate(scores):
        booking = BookingFactory(
            client=client,
            start=NOW - timedelta(days=days_ago - 7 * n),
            status="completed",
            intake_answers=INTAKE_ANSWERS | {"intensity": intake, "areas": list(areas)}
            if n == 0
            else None,
            **extra,
        )
        OutcomeRequestFactory(
            booking=booking, score=score, answered_at=booking.end + timedelta(days=2)
        )


@pytest.fixture
def clients(db, therapist):
    worse = ClientFactory(name="Wendy Worse")
    course(worse, [6], intake=4, therapist=therapist)
    stuck = ClientFactory(name="Sam Stuck")
    course(stuck, [7, 7, 7], intake=8)
    better = ClientFactory(name="Bea Better")
    course(better, [7, 6, 4], intake=8)
    early = ClientFactory(name="Eve Early")
    course(early, [8, 8], intake=8)
    old = ClientFactory(name="Olga Old")
    course(old, [8, 8, 8], intake=8, days_ago=400)  # another course, long ago
    return {"worse": worse, "stuck": stuck, "better": better}


def test_the_review_list_has_the_worse_first_then_no_improvement_in_one_query(
    clients, django_assert_num_queries
):
    from bookings.models import OutcomeRequest

    with django_assert_num_queries(1):
        flagged = selectors.clients_to_review(readable=OutcomeRequest.objects.all(), now=NOW)
    assert [(p.client_name, p.progress.band) for p in flagged] == [
        ("Wendy Worse", Band.WORSE),
        ("Sam Stuck", Band.NO_CHANGE),
    ]
    assert flagged[1].progress.scores == (7, 7, 7)


def test_a_clinical_lead_reads_every_client_to_review_and_the_look_is_on_the_trail(
    client, clinical_lead, clients, clock
):
    client.force_login(clinical_lead)
    response = client.get(REVIEW_URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = squash(response.content.decode())
    assert "Wendy Worse" in html and "Sam Stuck" in html
    assert "Bea Better" not in html and "Eve Early" not in html and "Olga Old" not in html
    assert "Worse by 2 points since the intake (4 to 6)." in html
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 2


def test_a_therapist_reads_only_the_clients_in_their_care(client, therapist_user, clients, clock):
    client.force_login(therapist_user)
    html = client.get(REVIEW_URL).content.decode()
    assert "Wendy Worse" in html
    assert "Sam Stuck" not in html


@pytest.mark.parametrize("who", ["front_desk_user", "content_editor"])
def test_front_desk_and_editors_have_no_review_list(client, request, who, clients):
    client.force_login(request.getfixturevalue(who))
    assert client.get(REVIEW_URL).status_code == 403


def partial_for(user, client):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "admin/bookings/client/_outcomes.html", {"client": client}, request=request
    )


def test_the_client_page_shows_the_band_beside_the_chart(superuser, clients, clock):
    html = partial_for(superuser, clients["better"])
    assert "Improved: intake 8, latest answer 4." in html
    assert "To review" not in html
    html = partial_for(superuser, clients["stuck"])
    assert "No important change: intake 8, latest answer 7." in html
    assert "To review: 3 sessions without a clinically important improvement" in html


def test_the_report_shows_responder_rates_by_technique_and_area(
    client, clinical_lead, clients, clock
):
    client.force_login(clinical_lead)
    html = squash(client.get(REPORT_URL).content.decode())
    # Five clients with Swedish massage: Bea improved (8 to 4), the others did not.
    assert '<th scope="row">Swedish Massage</th><td>1 of 5 (20%)</td><td>5</td>' in html
    assert '<th scope="row">Upper back</th><td>1 of 5 (20%)</td><td>5</td>' in html
    assert "Review: clients not getting better" in html


def test_a_rate_from_two_clients_is_withheld(client, clinical_lead, db, clock):
    course(ClientFactory(), [2], intake=8)
    course(ClientFactory(), [2], intake=8)
    client.force_login(clinical_lead)
    html = squash(client.get(REPORT_URL).content.decode())
    withheld = "<td>Not shown: fewer than 3 clients</td><td>2</td>"
    assert f'<th scope="row">Swedish Massage</th>{withheld}' in html


def test_another_therapists_course_without_a_confirmed_link_stays_out(client, db, therapist_user):
    stranger = ClientFactory(name="Stranger")
    course(stranger, [9], intake=4, therapist=TherapistFactory())
    client.force_login(therapist_user)
    assert "Stranger" not in client.get(REVIEW_URL).content.decode()


@pytest.mark.parametrize(
    ("who", "linked"),
    [("therapist_user", True), ("clinical_lead", True), ("front_desk_user", False)],
)
def test_the_client_list_links_the_review_list_for_those_who_may_read_it(
    db, client, request, who, linked
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get(reverse("admin:bookings_client_changelist"))
    if response.status_code == 403:
        assert not linked
        return
    assert (REVIEW_URL in response.content.decode()) is linked


def test_the_review_lists_looks_are_one_insert_the_same_as_single_looks(clinical_lead, clients):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bookings.privacy import looks

    ids = [clients["worse"].pk, clients["stuck"].pk]
    with CaptureQueriesContext(connection) as queries:
        looks.record_client_looks(
            user=clinical_lead, client_ids=ids, what=looks.Look.CLIENT_OUTCOMES, now=NOW
        )
    assert sum(q["sql"].startswith("INSERT") for q in queries.captured_queries) == 1
    single = looks.record_look(
        user=clinical_lead, opened=clients["worse"], now=NOW, what=looks.Look.CLIENT_OUTCOMES
    )
    fields = ["content_type", "object_pk", "object_id", "object_repr", "action", "timestamp"]
    fields += ["cid", "serialized_data", "additional_data", "actor", "actor_email", "changes"]
    single.refresh_from_db()
    bulk = LogEntry.objects.exclude(pk=single.pk).get(object_id=clients["worse"].pk)
    assert [getattr(bulk, f) for f in fields] == [getattr(single, f) for f in fields]
    assert looks.looks_at(clients["stuck"]).count() == 1
