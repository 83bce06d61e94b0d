"""The demo's cast: the kinds of back pain its clients bring (`STORIES`), the clients
themselves with their therapist and how their course goes (`CLIENTS`), and their
addresses. Data only; `demo_history` writes their past, the `demo_data` command their
coming week."""

from dataclasses import dataclass

DEMO_EMAIL_DOMAIN = "demo.example"


@dataclass(frozen=True)
class Story:
    """What a kind of client tells the intake, and what each therapist gives them."""

    areas: tuple[str, ...]
    feelings: tuple[str, ...]
    triggers: tuple[str, ...]
    pressure: str
    duration: str
    frequency: str
    words: str
    techniques: dict[str, str]
    """Therapist username -> technique slug."""
    relief: float
    """How many more points a course going well takes off by the next day: not every
    technique helps every back equally, and the outcomes report should show it."""


STORIES = {
    "desk": Story(
        ("upper", "neck_shoulders"),
        ("tight", "knots"),
        ("sitting",),
        "medium",
        "months",
        "often",
        "Stiff neck and shoulders after long days at the laptop.",
        {"anna": "trigger-point", "ben": "myofascial-release", "chloe": "swedish"},
        0.4,
    ),
    "running": Story(
        ("lower",),
        ("knots", "spasms"),
        ("exercise",),
        "firm",
        "weeks",
        "sometimes",
        "Tight lower back since I started training for a half marathon.",
        {"anna": "deep-tissue"},
        1.1,
    ),
    "lifting": Story(
        ("lower", "middle"),
        ("ache", "tight"),
        ("exercise",),
        "firm",
        "months",
        "often",
        "Sore back from lifting boxes at work all day.",
        {"anna": "deep-tissue", "ben": "myofascial-release"},
        0.6,
    ),
    "stress": Story(
        ("neck_shoulders",),
        ("tight", "ache"),
        ("stress",),
        "gentle",
        "weeks",
        "often",
        "Shoulders up by my ears, tense all the time lately.",
        {"ben": "swedish", "chloe": "swedish"},
        0.1,
    ),
    "standing": Story(
        ("lower",),
        ("swelling", "ache"),
        ("standing",),
        "gentle",
        "months",
        "often",
        "Heavy, tired lower back after long shifts on my feet.",
        {"chloe": "lymphatic-drainage"},
        1.3,
    ),
    "stiff": Story(
        ("middle", "lower"),
        ("tight",),
        ("sitting",),
        "medium",
        "months",
        "constant",
        "Stiff middle of the back, worst first thing in the morning.",
        {"ben": "myofascial-release", "chloe": "myofascial-release"},
        0.8,
    ),
    "spasm": Story(
        ("lower",),
        ("spasms", "knots"),
        ("exercise", "sitting"),
        "medium",
        "weeks",
        "sometimes",
        "My lower back locks up when I bend to pick things up.",
        {"anna": "trigger-point", "ben": "swedish"},
        0.5,
    ),
}

# name, story, therapist, how the course goes, the week of the last session (0 is this
# week, 13 the history's first), sessions, weeks between them. Next week's demo
# bookings (the command's) go to each therapist's own clients in turn.
CLIENTS = [
    ("Priya Shah", "desk", "anna", "better", 0, 9, 1),
    ("Tom Reilly", "running", "anna", "better", 0, 8, 1),
    ("Maria Silva", "standing", "chloe", "better", 0, 10, 1),
    ("James Okoro", "lifting", "ben", "same", 1, 6, 2),
    ("Lucy Chen", "stress", "chloe", "better", 0, 8, 1),
    ("Omar Haddad", "lifting", "anna", "better", 0, 9, 1),
    ("Grace Byrne", "stiff", "ben", "better", 1, 6, 2),
    ("Daniel Novak", "spasm", "anna", "worse", 0, 7, 1),
    ("Aisha Bello", "stress", "ben", "same", 0, 10, 1),
    ("Sam Price", "desk", "chloe", "better", 0, 7, 1),
    ("Hannah Wright", "running", "anna", "better", 3, 5, 2),
    ("Kwame Mensah", "lifting", "anna", "same", 2, 8, 1),
    ("Elena Rossi", "standing", "chloe", "better", 1, 6, 2),
    ("Felix Braun", "stiff", "chloe", "better", 1, 9, 1),
    ("Zara Ahmed", "desk", "ben", "better", 1, 10, 1),
    ("Liam Murphy", "running", "anna", "better", 2, 7, 1),
    ("Nina Petrova", "standing", "chloe", "same", 3, 7, 1),
    ("Oliver Grant", "spasm", "ben", "better", 4, 5, 2),
    ("Ruth Adeyemi", "stress", "chloe", "better", 1, 8, 1),
    ("Marek Nowak", "stiff", "ben", "same", 2, 8, 1),
    ("Chloe Dubois", "desk", "anna", "worse", 4, 6, 1),
    ("Yusuf Kaya", "lifting", "anna", "better", 5, 6, 1),
    ("Isla Campbell", "standing", "chloe", "better", 2, 6, 1),
    ("Ben Carter", "stress", "ben", "better", 3, 8, 1),
    ("Sofia Lopez", "spasm", "anna", "better", 1, 9, 1),
    ("Arjun Patel", "stiff", "chloe", "better", 6, 6, 1),
    ("Ella Fischer", "desk", "ben", "better", 2, 7, 1),
    ("Noah Evans", "lifting", "ben", "better", 5, 6, 1),
    ("Leah Cohen", "desk", "chloe", "better", 4, 7, 1),
    ("Victor Hugo Alves", "running", "anna", "better", 7, 5, 1),
    ("Mei Tanaka", "stress", "ben", "better", 0, 6, 1),
    ("Rosa Jimenez", "standing", "chloe", "better", 0, 6, 1),
    ("Ivan Horvat", "running", "anna", "same", 1, 5, 1),
    ("Fatima Noor", "stiff", "ben", "better", 0, 7, 1),
    ("Hugo Laurent", "lifting", "ben", "better", 1, 8, 1),
    ("Amara Obi", "desk", "anna", "better", 0, 6, 1),
    ("Peter Lindqvist", "stiff", "chloe", "same", 0, 8, 1),
    ("Kate Sullivan", "spasm", "ben", "better", 1, 7, 1),
]
# (client, session number): they did not come. Everyone else sometimes cancels.
NO_SHOWS = {("James Okoro", 3), ("Marek Nowak", 5)}
CANCEL_CHANCE = 0.06
UNANSWERED_CHANCE = 0.15


def demo_email(name: str) -> str:
    return f"{name.split()[0].lower()}@{DEMO_EMAIL_DOMAIN}"
