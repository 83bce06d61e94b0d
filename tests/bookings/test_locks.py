"""The deadlock retry (bookings/booking/locks.py) and what the 503 page logs."""

import logging
from unittest import mock

import pytest
from django.db import OperationalError, transaction

from bookings.booking.locks import retry_on_deadlock


class DeadlockDetected(Exception):
    sqlstate = "40P01"


def deadlock() -> OperationalError:
    error = OperationalError("deadlock detected")
    error.__cause__ = DeadlockDetected()
    return error


def flaky(failures: list[Exception]):
    calls: list[int] = []

    @retry_on_deadlock
    def service(*, value: int) -> int:
        calls.append(value)
        if failures:
            raise failures.pop(0)
        return value * 2

    return service, calls


def test_a_deadlocked_service_runs_once_more_and_says_so(caplog):
    service, calls = flaky([deadlock()])
    with caplog.at_level(logging.WARNING, logger="bookings.booking.locks"):
        assert service(value=21) == 42
    assert calls == [21, 21]
    assert "Deadlock in" in caplog.text and "service" in caplog.text


def test_a_second_deadlock_in_a_row_is_the_callers():
    service, calls = flaky([deadlock(), deadlock()])
    with pytest.raises(OperationalError, match="deadlock"):
        service(value=1)
    assert calls == [1, 1]


def test_other_database_errors_are_not_retried():
    service, calls = flaky([OperationalError("connection refused")])
    with pytest.raises(OperationalError, match="refused"):
        service(value=1)
    assert calls == [1]


@pytest.mark.django_db
def test_inside_a_callers_transaction_the_retry_is_the_callers():
    service, calls = flaky([deadlock()])
    with pytest.raises(OperationalError), transaction.atomic():
        service(value=1)
    assert calls == [1]


@pytest.mark.security
def test_the_database_error_page_logs_the_error_class_and_the_view_never_the_data(client, caplog):
    with (
        mock.patch(
            "catalog.views.TechniqueListView.get_queryset",
            side_effect=OperationalError("deadlock detected: secret row data"),
        ),
        caplog.at_level(logging.ERROR, logger="clinic.middleware"),
    ):
        response = client.get("/techniques/?q=private-words")
    assert response.status_code == 503
    logged = [r.getMessage() for r in caplog.records if r.name == "clinic.middleware"]
    assert len(logged) == 1
    assert "OperationalError" in logged[0] and "catalog:technique_list" in logged[0]
    assert "secret" not in logged[0] and "private-words" not in logged[0]
