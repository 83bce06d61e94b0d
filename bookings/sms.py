# SMS_BACKEND values in settings and .env files store this path: bookings.sms.<Backend>.
from bookings.messaging.sms import ConsoleBackend as ConsoleBackend
from bookings.messaging.sms import LocmemBackend as LocmemBackend
from bookings.messaging.sms import TwilioBackend as TwilioBackend
