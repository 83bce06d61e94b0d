"""A client's pain over time as an inline SVG line chart and the rows of its table.

Pure: plain points in, markup and rows out. Drawn on the server, so it needs no
JavaScript and prints; the table beside it carries the same numbers for screen readers.
"""

from dataclasses import dataclass
from datetime import date
from html import escape

PAIN_MAX = 10

# The drawing area, in SVG user units; the SVG scales to its container's width.
WIDTH = 560
HEIGHT = 220
LEFT = 40
RIGHT = 20
TOP = 16
BOTTOM = 40


@dataclass(frozen=True)
class PainPoint:
    day: date
    score: int
    source: str
    """Where the number comes from, in words: "Intake", "After the session of 4 March"."""


def _x(index: int, count: int) -> float:
    if count == 1:
        return LEFT + (WIDTH - LEFT - RIGHT) / 2
    return LEFT + index * (WIDTH - LEFT - RIGHT) / (count - 1)


def _y(score: int) -> float:
    return TOP + (PAIN_MAX - score) * (HEIGHT - TOP - BOTTOM) / PAIN_MAX


def _short(day: date) -> str:
    return f"{day.day} {day:%b}"


def summary(points: list[PainPoint]) -> str:
    """One sentence saying what the chart shows: its accessible name."""
    if not points:
        return "No pain scores yet."
    first, last = points[0], points[-1]
    if len(points) == 1:
        return f"Pain {first.score} out of 10 on {_short(first.day)} ({first.source.lower()})."
    return (
        f"Pain from {first.score} on {_short(first.day)} to {last.score} on "
        f"{_short(last.day)}, out of 10, over {len(points)} scores."
    )


def pain_chart_svg(points: list[PainPoint]) -> str:
    """The chart as SVG markup (escaped here: safe to put in a page as it is), or "" with
    no points."""
    if not points:
        return ""
    count = len(points)
    parts = [
        f'<svg class="pain-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(summary(points))}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for score in (0, 5, 10):
        y = _y(score)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" />'
            f'<text class="axis" x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{score}</text>'
        )
    coords = [(_x(i, count), _y(p.score)) for i, p in enumerate(points)]
    if count > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline class="line" points="{line}" />')
    for (x, y), point in zip(coords, points, strict=True):
        parts.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="5" />'
            f'<text class="value" x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle">'
            f"{point.score}</text>"
            f'<text class="axis" x="{x:.1f}" y="{HEIGHT - BOTTOM + 20}" text-anchor="middle">'
            f"{escape(_short(point.day))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
