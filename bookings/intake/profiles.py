"""What the suggestion and the safety screen know about a technique: plain data.

Kept apart so `suggestion` and `safety` can both use it without importing each
other; `suggestion` re-exports both names. `selectors.load_profiles()` reads them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from catalog.vocabulary import Pressure


@dataclass(frozen=True)
class ConditionRule:
    condition: str
    effect: str
    reason: str


@dataclass(frozen=True)
class TechniqueProfile:
    """What the suggestion knows about one technique: plain data, no database."""

    slug: str
    name: str
    summary: str = ""
    display_order: int = 0
    weights: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    keywords: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    rules: tuple[ConditionRule, ...] = ()
    pressure: str = Pressure.MEDIUM
    """Its usual pressure (a `Pressure` code): with nothing else to go on, gentler first."""
    self_care: str = ""
    """Advice for between sessions, once a clinical lead reviewed it (else "")."""
