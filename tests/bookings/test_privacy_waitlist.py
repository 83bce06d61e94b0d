"""A client's waitlist entries (their contact details and screened health answers) go
with their export and their erasure."""

from bookings.models import WaitlistEntry
from bookings.privacy import services as privacy
from bookings.privacy.waitlist import export_waitlist
from bookings.records.access import health_data_rule
from tests.clock import NOW
from tests.factories import ClientFactory

from .waitlist_helpers import join


def test_a_clients_export_lists_their_waitlist_entries_and_only_theirs(therapist, now, superuser):
    client = ClientFactory(email="Jane@Example.org", phone="+447700900999")
    join()  # jane@example.org, any case
    # Their phone, no email: a phone is shared in families, so never matched.
    join(client_email="", client_phone="07700 900999")
    join(client_name="Sam", client_email="sam@example.org", client_phone="07700 900555")
    exported = export_waitlist(client, health_data_rule(superuser))["waitlist"]
    assert len(exported) == 1
    assert exported[0]["technique"] == "Swedish Massage"
    assert exported[0]["health_answers_kept"] is True


def test_erasing_a_client_deletes_their_waitlist_entries_and_nobody_elses(
    therapist, now, superuser
):
    client = ClientFactory(email="jane@example.org", phone="+447700900999")
    join()
    other = join(client_name="Sam", client_email="sam@example.org", client_phone="07700 900555")
    privacy.erase_client(client=client, now=NOW)
    assert list(WaitlistEntry.objects.all()) == [other]
    assert "waitlist" in privacy.export_client(client=ClientFactory(), reader=superuser, now=NOW)
