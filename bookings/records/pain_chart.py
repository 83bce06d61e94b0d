"""A client's pain over time as an inline SVG line chart and the rows of its table.

Pure: plain points in, markup and rows out. Drawn on the server, so it needs no
JavaScript and prints; the table beside it carries the same numbers for screen readers.
"""

from dataclasses import dataclass
from datetime import date
from html import escape

PAIN_MAX = 10

# Presentation attributes rather than a stylesheet: the chart is dropped into admin
# pages as it is. Colours keep 4.5:1 against white.
INK = "#333333"
LINE = "#205067"
GRID = "#cccccc"

# The drawing area, in SVG user units; the SVG scales to its container's width.
WIDTH = 560
HEIGHT = 220
LEFT = 40
RIGHT = 32  # room for the last day label, centred on the last point
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


def _text(
    x: float, y: float, words: str, *, anchor: str, size: int = 12, bold: bool = False
) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (
        f'<text fill="{INK}" font-size="{size}"{weight} x="{x:.1f}" y="{y:.1f}" '
        f'text-anchor="{anchor}">{escape(words)}</text>'
    )


def pain_chart_svg(points: list[PainPoint]) -> str:
    """The chart as SVG markup (escaped here: safe to put in a page as it is), or "" with
    no points."""
    if not points:
        return ""
    count = len(points)
    parts = [
        f'<svg class="pain-chart" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(summary(points))}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    for score in (0, 5, 10):
        y = _y(score)
        parts.append(
            f'<line stroke="{GRID}" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" />'
        )
        parts.append(_text(LEFT - 8, y + 4, str(score), anchor="end"))
    coords = [(_x(i, count), _y(p.score)) for i, p in enumerate(points)]
    if count > 1:
        line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline fill="none" stroke="{LINE}" stroke-width="2" points="{line}" />')
    for (x, y), point in zip(coords, points, strict=True):
        parts.append(f'<circle fill="{LINE}" cx="{x:.1f}" cy="{y:.1f}" r="5" />')
        parts.append(_text(x, y - 10, str(point.score), anchor="middle", size=13, bold=True))
        parts.append(_text(x, HEIGHT - BOTTOM + 20, _short(point.day), anchor="middle"))
    parts.append("</svg>")
    return "".join(parts)
