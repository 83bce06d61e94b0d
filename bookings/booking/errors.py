from bookings.intake.gate import Stop
from bookings.scheduling import availability

OVERLAP_CONSTRAINT = "booking_no_overlap_per_therapist"


class BookingError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidBooking(BookingError):
    """The request itself cannot be booked (bad time, length, therapist...)."""


class SlotUnavailable(BookingError):
    """The time was free a moment ago but someone else has it now."""


class AlreadyBooked(InvalidBooking):
    """The same client has just booked this very session: the same post sent twice at once
    (a double tap, a network retry). Nothing more is booked, and nothing of the booking
    is shown: the post alone proves nobody's identity."""


ALREADY_BOOKED = (
    "You have already booked this session: the confirmation is on its way to your email. "
    "To move or cancel it, use the link in that email."
)


class UnsafeBooking(InvalidBooking):
    """The client's answers do not allow this technique (yet): why, and what instead."""

    def __init__(
        self,
        message: str,
        *,
        stop: Stop,
        reasons: tuple[str, ...] = (),
        advised: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.stop = stop
        self.reasons = reasons
        self.advised = advised or []
        """(slug, name) of the techniques these answers allow."""


SAFETY_MESSAGES: dict[Stop, str] = {
    Stop.NOT_SCREENED: "Before booking, please answer a few short questions about your health.",
    Stop.UNASKED_TEXT: "Before booking, please answer a question about what you wrote.",
    Stop.URGENT: "Your answers suggest you need urgent medical care today, not a massage.",
    Stop.SHOULD_WAIT: "From your answers about your health, massage should wait for now: "
    "please see a doctor first, or phone the clinic to talk it through.",
    Stop.RULED_OUT: "From your answers about your health, this massage is not advised for you.",
    Stop.NEEDS_ACKNOWLEDGEMENT: "Please confirm you have read the advice for your session: "
    "to see a doctor first, or the care it needs.",
}

# The same stops as front desk reads them at their own screens: about the client.
STAFF_SAFETY_MESSAGES: dict[Stop, str] = {
    Stop.NOT_SCREENED: "Ask the client the safety questions first, and record every answer.",
    Stop.UNASKED_TEXT: "Ask the client about what they said, and record the answer.",
    Stop.URGENT: "The client's answers say they need urgent medical care today, not a "
    "massage: give them the emergency advice.",
    Stop.SHOULD_WAIT: "From the client's answers, massage should wait: they should see a "
    "doctor first. Book it only with a clinical override and its reason.",
    Stop.RULED_OUT: "From the client's answers, this massage is not advised for the client: "
    "choose another technique.",
    Stop.NEEDS_ACKNOWLEDGEMENT: "Confirm you advised the client to see a doctor first, or "
    "read them the care the session needs.",
}


def staff_message(error: Exception) -> str:
    """What a refused booking (or waitlist place) says on a staff screen."""
    if isinstance(error, UnsafeBooking):
        return STAFF_SAFETY_MESSAGES.get(error.stop, error.message)
    return str(getattr(error, "message", error))


PROBLEM_MESSAGES: dict[availability.Problem, str] = {
    availability.Problem.PAST: "That time has already passed. Please choose another time.",
    availability.Problem.TOO_SOON: "That time is too soon to book online. Please choose a later "
    "time or phone the clinic.",
    availability.Problem.TOO_FAR: "That day is too far ahead to book yet. Please choose an "
    "earlier day.",
    availability.Problem.DAY_OFF: "The therapist does not work on that day. Please choose "
    "another day.",
    availability.Problem.OUTSIDE_HOURS: "That time is outside the therapist's working hours. "
    "Please choose one of the times offered.",
    availability.Problem.TIME_OFF: "The therapist is away at that time. Please choose another "
    "time.",
    availability.Problem.TAKEN: "Sorry, that time has just been taken. Please choose another time.",
}
