from django.utils import timezone
from django_tasks import task

from bookings.messaging import notifications


@task()
def send_notification(notification_id: int) -> str:
    # Only the id travels through the queue: the row is the truth at send time.
    return notifications.deliver(notification_id, now=timezone.now()).value
