"""Signing in to My bookings with a one-time link sent to the client's email."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.account import session
from bookings.account.services import ADDRESS_WINDOW, LINKS_PER_ADDRESS, request_sign_in_link
from bookings.messaging import notifications, outbox
from bookings.models import Notification, NotificationStatus, SignInLink
from bookings.privacy.services import erase_client
from tests.factories import BookingFactory, ClientFactory

SIGN_IN = reverse("bookings:account_sign_in")
ACCOUNT = reverse("bookings:account")
LINK = re.compile(r"/my-bookings/sign-in/([0-9a-f]{64})/")


@pytest.fixture
def jane(db):
    return ClientFactory(name="Jane Doe", email="jane@example.org")


def ask(client, email, capture):
    with capture(execute=True):
        return client.post(SIGN_IN, {"email": email})


def emailed_token(mailoutbox) -> str:
    match = LINK.search(mailoutbox[-1].body)
    assert match is not None
    return match.group(1)


def sign_in_as(client, email, capture, mailoutbox):
    ask(client, email, capture)
    token = emailed_token(mailoutbox)
    return client.post(reverse("bookings:account_sign_in_link", args=[token]))


def test_a_known_address_gets_one_email_with_a_link_and_nothing_else(
    client, jane, now, mailoutbox, django_capture_on_commit_callbacks
):
    response = ask(client, "Jane@Example.org ", django_capture_on_commit_callbacks)

    assert response.status_code == 303
    assert response["Location"] == reverse("bookings:account_sign_in_sent")
    assert [m.to for m in mailoutbox] == [["jane@example.org"]]
    body = mailoutbox[0].body
    assert "30 minutes" in body
    assert "Jane" not in body  # no name, no bookings, no health: just the way in
    message = Notification.objects.get(sign_in_link__client=jane)
    assert message.status == NotificationStatus.SENT


def test_the_token_is_kept_only_as_a_hash(
    client, jane, now, mailoutbox, django_capture_on_commit_callbacks
):
    ask(client, jane.email, django_capture_on_commit_callbacks)
    token = emailed_token(mailoutbox)

    link = SignInLink.objects.get()
    stored = [str(getattr(link, f.attname)) for f in SignInLink._meta.concrete_fields]
    assert not any(token in value for value in stored)
    assert link.token_digest != token
    assert jane.email not in stored


def test_known_and_unknown_addresses_get_the_same_page_status_and_writes(
    client, jane, now, mailoutbox, django_capture_on_commit_callbacks
):

    def writes_and_page(email: str) -> tuple[int, list[str], str]:
        # The request's own writes; sending is the outbox's, after the commit.
        with CaptureQueriesContext(connection) as queries:
            response = client.post(SIGN_IN, {"email": email})
        written = [
            " ".join(q["sql"].split()[:3])
            for q in queries.captured_queries
            if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
            and "django_session" not in q["sql"]
        ]
        # Read before the next request: Django empties the query log as a request starts.
        page = client.get(response["Location"])
        text = page.content.decode().replace(email, "EMAIL")
        return response.status_code, written, text

    known = writes_and_page("jane@example.org")
    unknown = writes_and_page("nobody@example.org")

    assert known[0] == unknown[0] == 303
    assert known[1] == unknown[1]
    assert len(known[1]) == 2  # the link and its message
    assert known[2] == unknown[2]
    assert "we have sent it a link" in known[2]
    # Only the known address's message is for sending; the other was never to be sent.
    queued = Notification.objects.filter(kind="sign_in_link").order_by("pk")
    assert [(n.recipient, n.status) for n in queued] == [
        ("jane@example.org", NotificationStatus.PENDING),
        ("", NotificationStatus.SKIPPED),
    ]


def test_opening_the_link_asks_for_one_click_and_spends_nothing(
    client, jane, now, mailoutbox, django_capture_on_commit_callbacks
):
    ask(client, jane.email, django_capture_on_commit_callbacks)
    url = reverse("bookings:account_sign_in_link", args=[emailed_token(mailoutbox)])

    # A mail scanner fetches the link first; the client opens it after.
    for _ in range(2):
        page = client.get(url)
        assert page.status_code == 200
        assert b'<button type="submit" class="btn btn-primary btn-lg">Sign in</button>' in (
            page.content
        )
    assert SignInLink.objects.get().used_at is None
    assert client.get(ACCOUNT)["Location"] == SIGN_IN


def test_the_link_signs_in_once(client, jane, now, mailoutbox, django_capture_on_commit_callbacks):
    ask(client, jane.email, django_capture_on_commit_callbacks)
    url = reverse("bookings:account_sign_in_link", args=[emailed_token(mailoutbox)])

    response = client.post(url)

    assert response.status_code == 303
    assert response["Location"] == ACCOUNT
    assert client.get(ACCOUNT).status_code == 200
    client.logout()
    again = client.post(url)
    assert again.status_code == 410
    assert b"This link no longer works" in again.content
    assert client.get(url).status_code == 410
    assert client.get(ACCOUNT)["Location"] == SIGN_IN


def test_an_expired_link_no_longer_signs_in(
    client, jane, clock, now, mailoutbox, django_capture_on_commit_callbacks
):
    ask(client, jane.email, django_capture_on_commit_callbacks)
    url = reverse("bookings:account_sign_in_link", args=[emailed_token(mailoutbox)])
    clock.shift(timedelta(minutes=30))

    assert client.get(url).status_code == 410
    assert client.post(url).status_code == 410
    assert client.get(ACCOUNT)["Location"] == SIGN_IN


def test_a_made_up_token_gets_the_same_answer_as_a_spent_one(client, db):
    made_up = reverse("bookings:account_sign_in_link", args=["0" * 64])
    assert client.get(made_up).status_code == 410
    assert client.post(made_up).status_code == 410
    assert client.get(reverse("bookings:account_sign_in_link", args=["short"])).status_code == 410


def test_an_unknown_address_link_row_signs_nobody_in(client, db, now, mailoutbox):
    client.post(SIGN_IN, {"email": "nobody@example.org"})
    link = SignInLink.objects.get()
    assert link.client is None
    url = reverse("bookings:account_sign_in_link", args=[link.token])
    assert client.post(url).status_code == 410
    assert mailoutbox == []


def test_one_address_gets_a_few_links_per_window_and_the_same_page_after(
    client, jane, clock, now, mailoutbox, django_capture_on_commit_callbacks
):
    pages = [
        ask(client, jane.email, django_capture_on_commit_callbacks)
        for _ in range(LINKS_PER_ADDRESS + 2)
    ]

    assert {p.status_code for p in pages} == {303}
    assert len(mailoutbox) == LINKS_PER_ADDRESS
    assert SignInLink.objects.count() == LINKS_PER_ADDRESS
    clock.shift(ADDRESS_WINDOW)
    ask(client, jane.email, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == LINKS_PER_ADDRESS + 1


def test_too_many_sign_in_posts_from_one_address_get_the_429_page(client, db, settings):
    settings.FORM_RATE_LIMIT = "2/h"
    for _ in range(2):
        assert client.post(SIGN_IN, {"email": "a@example.org"}).status_code == 303
    assert client.post(SIGN_IN, {"email": "a@example.org"}).status_code == 429


def test_a_nonsense_address_gets_a_clear_message(client, db):
    response = client.post(SIGN_IN, {"email": "not an address"})
    assert response.status_code == 400
    assert b"Please enter an email address like name@example.com." in response.content
    assert SignInLink.objects.count() == 0


def test_the_sign_in_page_tells_clients_without_email_to_phone(client, db, settings):
    page = client.get(SIGN_IN).content.decode()
    assert "No email address with us?" in page
    assert settings.CLINIC_PHONE in page


def test_a_client_sharing_an_address_with_another_record_gets_no_link(
    client, jane, now, mailoutbox, django_capture_on_commit_callbacks
):
    ClientFactory(name="John Doe", email="JANE@example.org")
    response = ask(client, jane.email, django_capture_on_commit_callbacks)
    assert response.status_code == 303
    assert mailoutbox == []


def test_an_erased_client_cannot_use_a_link_sent_before(
    client, jane, now, mailoutbox, django_capture_on_commit_callbacks
):
    ask(client, jane.email, django_capture_on_commit_callbacks)
    jane.email = ""
    jane.save()
    url = reverse("bookings:account_sign_in_link", args=[emailed_token(mailoutbox)])
    assert client.post(url).status_code == 410


def test_the_session_ends_after_half_an_hour_idle(
    client, jane, clock, now, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in_as(client, jane.email, django_capture_on_commit_callbacks, mailoutbox)
    clock.shift(session.IDLE_LIMIT - timedelta(minutes=1))
    assert client.get(ACCOUNT).status_code == 200
    clock.shift(session.IDLE_LIMIT - timedelta(minutes=1))
    assert client.get(ACCOUNT).status_code == 200
    clock.shift(session.IDLE_LIMIT + timedelta(seconds=1))
    assert client.get(ACCOUNT)["Location"] == SIGN_IN


def test_signing_out_ends_the_client_session_and_leaves_staff_signed_in(
    client, jane, superuser, now, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    sign_in_as(client, jane.email, django_capture_on_commit_callbacks, mailoutbox)
    response = client.post(reverse("bookings:account_sign_out"))
    assert response.status_code == 303
    assert client.get(ACCOUNT)["Location"] == SIGN_IN
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_client_session_is_no_staff_sign_in(
    client, jane, now, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in_as(client, jane.email, django_capture_on_commit_callbacks, mailoutbox)
    assert client.get(reverse("admin:index")).status_code == 302


def test_sign_out_only_takes_a_post(client, db):
    assert client.get(reverse("bookings:account_sign_out")).status_code == 405


def test_a_merged_clients_link_signs_in_the_kept_record(
    client, jane, now, mailoutbox, django_capture_on_commit_callbacks
):
    kept = ClientFactory(name="Jane Doe", email="jane.doe@example.org")
    BookingFactory(client=kept, client_email=kept.email, reference="KEPT2345")
    ask(client, jane.email, django_capture_on_commit_callbacks)
    jane.merged_into = kept
    jane.save()
    client.post(reverse("bookings:account_sign_in_link", args=[emailed_token(mailoutbox)]))
    assert b"KEPT2345" in client.get(ACCOUNT).content


def test_the_outbox_sends_no_link_that_expired_while_it_waited(jane, clock, now, mailoutbox):
    request_sign_in_link(email=jane.email, now=now)  # no commit here: the row waits
    clock.shift(timedelta(minutes=31))

    assert outbox.send_due() == [outbox.Outcome.SKIPPED]
    assert mailoutbox == []


def test_staff_cannot_send_a_failed_sign_in_email_again(jane, now):
    request_sign_in_link(email=jane.email, now=now)
    message = Notification.objects.get()
    Notification.objects.filter(pk=message.pk).update(status=NotificationStatus.FAILED)

    assert notifications.send_again(message) is None


def test_a_second_click_or_back_to_the_link_once_signed_in_leads_to_my_bookings(
    client, jane, now, mailoutbox, django_capture_on_commit_callbacks
):
    ask(client, jane.email, django_capture_on_commit_callbacks)
    url = reverse("bookings:account_sign_in_link", args=[emailed_token(mailoutbox)])
    assert client.post(url)["Location"] == ACCOUNT

    again = client.post(url)
    back = client.get(url)

    assert again.status_code == back.status_code == 303
    assert again["Location"] == back["Location"] == ACCOUNT
    assert SignInLink.objects.filter(used_at__isnull=False).count() == 1


def test_erasing_a_client_deletes_their_links_and_the_emails_rows_with_their_address(jane, now):
    request_sign_in_link(email=jane.email, now=now)
    request_sign_in_link(email="nobody@example.org", now=now)

    erase_client(client=jane, now=now)

    assert not SignInLink.objects.filter(client=jane).exists()
    assert not Notification.objects.filter(recipient__iexact="jane@example.org").exists()
    assert SignInLink.objects.count() == 1  # another address's request is not theirs
