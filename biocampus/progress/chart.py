"""A target's observations against its expected line, as coordinates for a small inline SVG (no JS)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, PAD_LEFT, PAD_RIGHT, PAD_Y = 600, 220, 80, 20, 20


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str


@dataclass(frozen=True)
class TargetChart:
    width: int
    height: int
    observed: str  # SVG polyline points of the observations
    expected: str  # the straight line from baseline at the start to the goal on the due date
    points: list[Point]
    today_x: float | None
    axis: dict  # labels and positions of the axes' ends


def target_chart(target, observations: list, progress) -> TargetChart | None:
    """Coordinates of value over time; None when there is nothing to draw beyond the expected line."""
    dates = [progress.starts_on, target.due_on] + [o.observed_on for o in observations]
    values = [target.baseline, target.goal] + [o.value for o in observations]
    first, last = min(dates), max(dates)
    low, high = min(values), max(values)
    days = max((last - first).days, 1)
    span = (high - low) or Decimal(1)

    def x(day: datetime.date) -> float:
        return round(PAD_LEFT + (WIDTH - PAD_LEFT - PAD_RIGHT) * (day - first).days / days, 1)

    def y(value: Decimal) -> float:
        return round(HEIGHT - PAD_Y - float((value - low) / span) * (HEIGHT - 2 * PAD_Y), 1)

    points = [Point(x(o.observed_on), y(o.value), f"{o.observed_on}: {o.value:,.0f}") for o in observations]
    today = progress.as_of
    return TargetChart(
        width=WIDTH,
        height=HEIGHT,
        observed=" ".join(f"{p.x},{p.y}" for p in points),
        expected=f"{x(progress.starts_on)},{y(target.baseline)} {x(target.due_on)},{y(target.goal)}",
        points=points,
        today_x=x(today) if first <= today <= last else None,
        axis={
            "left": PAD_LEFT,
            "right": WIDTH - PAD_RIGHT,
            "top": PAD_Y,
            "bottom": HEIGHT - PAD_Y,
            "first": first,
            "last": last,
            "low": f"{low:,.0f}",
            "high": f"{high:,.0f}",
        },
    )
