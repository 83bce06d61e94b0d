# Queued django-tasks rows store this path: bookings.tasks.send_notification.
from bookings.messaging.tasks import send_notification as send_notification
