"""The clinic's display formats (set in settings), ahead of Django's en_GB ones."""

from django.conf import settings

DATE_FORMAT = settings.DATE_FORMAT
TIME_FORMAT = settings.TIME_FORMAT
DATETIME_FORMAT = settings.DATETIME_FORMAT
SHORT_DATE_FORMAT = settings.SHORT_DATE_FORMAT
SHORT_DATETIME_FORMAT = settings.SHORT_DATETIME_FORMAT
# The admin's date drill-down: "Dec 2026", then "Sun 6 Dec".
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "D j M"
# Inputs show times as staff say them, "09:00", never "09:00:00"; dates day first, as
# the locale has it. Seconds are still read, so a form sent with them is not refused.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H:%M:%S.%f"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
]
