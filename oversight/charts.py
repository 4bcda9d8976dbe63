"""Bar charts drawn on the server as SVG: no JavaScript library, no CDN, readable without scripts.

`bars()` only computes the geometry; templates/oversight/admin/_bars.svg.html draws it. Each bar has a
<title> (its label and value) and the chart a table of the same numbers for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 40


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    text_x: float
    value_text: str
    show_label: bool = True


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, label) of the horizontal grid lines
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM
    label_y: float = HEIGHT - BOTTOM + 16

    @property
    def empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _tick(value: float) -> str:
    return _number(int(value)) if value == int(value) else f"{value:.1f}".replace(".", ",")


def _nice_top(value: int) -> int:
    """The smallest 1, 2 or 5 × 10^n not below value (at least 1), so the grid reads in round numbers."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return max(step * factor, 1)
        step *= 10


def bars(items: list[tuple[str, int]], title: str) -> BarChart:
    """A bar per (label, value), scaled to the largest value."""
    top = _nice_top(max((value for _label, value in items), default=0))
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(items), 1)
    width = max(slot * 0.7, 1)
    every = max(1, -(-45 // max(int(slot), 1)))  # a label every so many bars, so they never overlap
    drawn = []
    for index, (label, value) in enumerate(items):
        height = plot_height * value / top
        x = LEFT + index * slot + (slot - width) / 2
        drawn.append(
            Bar(
                label=label,
                value=value,
                x=round(x, 1),
                y=round(TOP + plot_height - height, 1),
                width=round(width, 1),
                height=round(height, 1),
                text_x=round(x + width / 2, 1),
                value_text=_number(value),
                show_label=index % every == 0,
            )
        )
    ticks = [(round(TOP + plot_height * (1 - i / 2), 1), _tick(top * i / 2)) for i in range(3)]
    return BarChart(title, drawn, ticks)
