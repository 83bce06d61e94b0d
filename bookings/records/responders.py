"""Is the client getting better? Outcome answers read against the client's baseline.

Pure: plain scores in, bands and review flags out. The thresholds are the accepted ones
for the 0-10 pain scale: a change of at least 2 points (about the scale's smallest
detectable change) and at least 30% of the baseline is a clinically important
improvement; 0 or 1 is recovered; a rise of 2 or more is worse, and flags at once.
After REVIEW_AFTER answers without a clinically important improvement the client is
put on the Review list, so their therapist and the clinical lead reconsider the
technique or suggest seeing a GP.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

IMPORTANT_CHANGE = 2
IMPORTANT_SHARE_PERCENT = 30
RECOVERED_AT_MOST = 1
REVIEW_AFTER = 3
MIN_CLIENTS = 3


class Band(StrEnum):
    RECOVERED = "recovered"
    IMPROVED = "improved"
    NO_CHANGE = "no_change"
    WORSE = "worse"

    @property
    def label(self) -> str:
        return BAND_LABELS[self]

    @property
    def responded(self) -> bool:
        return self in (Band.RECOVERED, Band.IMPROVED)


BAND_LABELS = {
    Band.RECOVERED: "Recovered",
    Band.IMPROVED: "Improved",
    Band.NO_CHANGE: "No important change",
    Band.WORSE: "Worse",
}


def band_of(baseline: int, score: int) -> Band:
    """One answer against the baseline. Both on the 0-10 scale."""
    drop = baseline - score
    if -drop >= IMPORTANT_CHANGE:
        return Band.WORSE
    if score <= RECOVERED_AT_MOST < baseline:
        return Band.RECOVERED
    # Integers only: 30% of the baseline without a float (3 of 8 is 37.5%, 2 of 8 is 25%).
    if drop >= IMPORTANT_CHANGE and drop * 100 >= IMPORTANT_SHARE_PERCENT * baseline:
        return Band.IMPROVED
    return Band.NO_CHANGE


@dataclass(frozen=True)
class Progress:
    """A client's answers so far, read against their baseline."""

    baseline: int
    scores: tuple[int, ...]

    @property
    def band(self) -> Band | None:
        """The latest answer's band; None before the first answer."""
        return band_of(self.baseline, self.scores[-1]) if self.scores else None

    @property
    def review_reason(self) -> str:
        """Why the client is on the Review list, in words; "" when they are not."""
        band = self.band
        if band is None:
            return ""
        if band is Band.WORSE:
            latest = self.scores[-1]
            rise = latest - self.baseline
            return f"Worse by {rise} points since the intake ({self.baseline} to {latest})."
        if len(self.scores) >= REVIEW_AFTER and not band.responded:
            return (
                f"{len(self.scores)} sessions without a clinically important improvement "
                f"(intake {self.baseline}, now {self.scores[-1]})."
            )
        return ""

    @property
    def needs_review(self) -> bool:
        return bool(self.review_reason)

    @property
    def summary(self) -> str:
        band = self.band
        if band is None:
            return f"Intake {self.baseline}: no answers after a session yet."
        return f"{band.label}: intake {self.baseline}, latest answer {self.scores[-1]}."


@dataclass(frozen=True)
class SessionScores:
    """One session's outcome request, in session order: the intake pain score kept with
    it (if the booking kept its answers) and the client's answer (if they gave one)."""

    client_id: int
    technique: str
    intake_score: int | None
    outcome_score: int | None
    areas: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResponderRate:
    label: str
    clients: int
    responders: int | None
    """None when fewer than MIN_CLIENTS clients stand behind it (withheld)."""

    @property
    def withheld(self) -> bool:
        return self.responders is None

    @property
    def percent(self) -> int | None:
        if self.responders is None or not self.clients:
            return None
        return round(100 * self.responders / self.clients)


def _rate(label: str, clients: int, responders: int, min_clients: int) -> ResponderRate:
    if clients < min_clients:
        return ResponderRate(label=label, clients=clients, responders=None)
    return ResponderRate(label=label, clients=clients, responders=responders)


def rates_from_counts(
    by_technique: dict[str, tuple[int, int]],
    by_area: dict[str, tuple[int, int]],
    *,
    area_labels: dict[str, str],
    min_clients: int = MIN_CLIENTS,
) -> tuple[list[ResponderRate], list[ResponderRate]]:
    """The rates from (clients, responders) per technique name and per area code, as
    the database adds them up (records/outcome_figures.py): techniques by name,
    areas in `area_labels` order (a code no longer in the vocabulary at the end), each
    withheld under `min_clients`."""
    techniques = [_rate(name, *by_technique[name], min_clients) for name in sorted(by_technique)]
    codes = [c for c in area_labels if c in by_area] + sorted(set(by_area) - set(area_labels))
    areas = [_rate(area_labels.get(c, c), *by_area[c], min_clients) for c in codes]
    return techniques, areas


def _counts(latest: dict[int, int], baselines: dict[int, int]) -> tuple[int, int]:
    return len(latest), sum(band_of(baselines[c], score).responded for c, score in latest.items())


def responder_rates(
    sessions: Iterable[SessionScores],
    *,
    area_labels: dict[str, str],
    min_clients: int = MIN_CLIENTS,
) -> tuple[list[ResponderRate], list[ResponderRate]]:
    """Responder rates by technique, then by where it hurt at the intake (in
    `area_labels` order; an area no longer in the vocabulary keeps its code, at the end).

    A client's baseline is their first kept intake score (`sessions` in session order);
    they responded to a technique when their latest answer after a session of it is
    improved or recovered against that baseline, and count under the areas that intake
    named by their latest answer of all. Each client counts once per row. The outcomes
    page has the database add these up (records/outcome_figures.py); this is the
    definition its tests hold it to."""
    baselines: dict[int, int] = {}
    baseline_areas: dict[int, tuple[str, ...]] = {}
    by_technique: dict[str, dict[int, int]] = defaultdict(dict)
    latest: dict[int, int] = {}
    for session in sessions:
        client = session.client_id
        if client not in baselines:
            if session.intake_score is None:
                continue  # answers before any kept intake cannot be read
            baselines[client] = session.intake_score
            baseline_areas[client] = session.areas
        if session.outcome_score is not None:
            by_technique[session.technique][client] = session.outcome_score
            latest[client] = session.outcome_score
    by_area: dict[str, dict[int, int]] = defaultdict(dict)
    for client, score in latest.items():
        for area in set(baseline_areas[client]):
            by_area[area][client] = score
    return rates_from_counts(
        {name: _counts(scores, baselines) for name, scores in by_technique.items()},
        {code: _counts(scores, baselines) for code, scores in by_area.items()},
        area_labels=area_labels,
        min_clients=min_clients,
    )
