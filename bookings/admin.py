# Django's autodiscovery imports this module: each capability registers its own admin.
from bookings.frontdesk import admin as frontdesk_admin
from bookings.intake import admin as intake_admin
from bookings.messaging import admin as messaging_admin
from bookings.payments import admin as payments_admin
from bookings.privacy import admin as privacy_admin
from bookings.records import admin as records_admin
from bookings.records import home_care as home_care_admin
from bookings.scheduling import admin as scheduling_admin
from bookings.waitlist import admin as waitlist_admin

__all__ = [
    "frontdesk_admin",
    "home_care_admin",
    "intake_admin",
    "messaging_admin",
    "payments_admin",
    "privacy_admin",
    "records_admin",
    "scheduling_admin",
    "waitlist_admin",
]
