"""Charts drawn on the server as SVG: no chart library, nothing fetched from elsewhere.

Each chart is an `<svg role="img">` named by its `<title>` and described by a `<desc>`
that states its figures in words, with its axes labelled; pages put a table of the same
figures beside it for screen readers and for reading exact values.
"""

import itertools
import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Colours with at least 3:1 contrast on white (WCAG 1.4.11), told apart by dashes too.
COLOURS = ("#1d4ed8", "#b45309", "#047857", "#7e22ce", "#be123c")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2")
_ids = itertools.count(1)

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 64


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int | Decimal | None]


def _join(*parts: SafeString) -> SafeString:
    """Pieces already escaped by format_html, put together (still escaped)."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _nice_top(largest: float) -> tuple[float, float]:
    """A round top for the axis and its step (1, 2 or 5 × 10ⁿ), four or five ticks."""
    if largest <= 0:
        return 1.0, 0.25 if largest < 1 else 1.0
    raw = largest / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return step * math.ceil(largest / step), step


def _number(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _frame(title: str, description: str, y_label: str, x_label: str, top: float,
           step: float, body: SafeString) -> SafeString:
    number = next(_ids)
    plot_height = HEIGHT - TOP - BOTTOM
    ticks = []
    value = 0.0
    while value <= top + step / 2:
        y = TOP + plot_height - plot_height * value / top
        ticks.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"/>'
            '<text x="{}" y="{}" text-anchor="end" class="tick">{}</text>',
            LEFT, WIDTH - RIGHT, f"{y:.1f}", f"{y:.1f}", LEFT - 6, f"{y + 4:.1f}",
            _number(round(value, 6))))
        value += step
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="chart-{n}-title chart-{n}-desc" '
        'xmlns="http://www.w3.org/2000/svg" font-size="12">'
        '<title id="chart-{n}-title">{title}</title><desc id="chart-{n}-desc">{desc}</desc>'
        '{ticks}'
        '<line x1="{l}" x2="{l}" y1="{t}" y2="{b}" class="axis"/>'
        '<line x1="{l}" x2="{r}" y1="{b}" y2="{b}" class="axis"/>'
        '<text class="axis-label" transform="translate(14 {mid}) rotate(-90)" '
        'text-anchor="middle">{y_label}</text>'
        '<text class="axis-label" x="{cx}" y="{h_minus}" text-anchor="middle">{x_label}</text>'
        '{body}</svg>',
        w=WIDTH, h=HEIGHT, n=number, title=title, desc=description,
        ticks=_join(*ticks), l=LEFT, r=WIDTH - RIGHT, t=TOP,
        b=HEIGHT - BOTTOM, mid=TOP + plot_height / 2, y_label=y_label,
        cx=LEFT + (WIDTH - LEFT - RIGHT) / 2, h_minus=HEIGHT - 6, x_label=x_label,
        body=body)


def _x_labels(labels: list[str], xs: list[float]) -> SafeString:
    # Only as many labels as fit: about one per 60 pixels.
    every = max(1, math.ceil(len(labels) * 60 / (WIDTH - LEFT - RIGHT)))
    return format_html_join("", '<text x="{}" y="{}" text-anchor="middle" class="tick">{}</text>',
                            ((f"{x:.1f}", HEIGHT - BOTTOM + 16, label)
                             for index, (x, label) in enumerate(zip(xs, labels, strict=True))
                             if index % every == 0))


def _described(labels: list[str], series: list[Series]) -> str:
    parts = []
    for line in series:
        values = ", ".join(f"{label}: {'–' if v is None else _number(float(v))}"
                           for label, v in zip(labels, line.values, strict=True))
        parts.append(f"{line.name} — {values}.")
    return " ".join(parts)


def line_chart(*, title: str, labels: list[str], series: list[Series], y_label: str,
               x_label: str) -> SafeString:
    """Lines over time (one per series), a legend below; missing values break the line."""
    largest = max((float(v) for s in series for v in s.values if v is not None), default=0)
    top, step = _nice_top(largest)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(1, len(labels) - 1)
    xs = [LEFT + plot_width * index / count for index in range(len(labels))]

    def y(value) -> float:
        return TOP + plot_height - plot_height * float(value) / top

    lines = []
    for index, line in enumerate(series):
        colour, dash = COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
        points = " ".join(f"{x:.1f},{y(v):.1f}" for x, v in zip(xs, line.values, strict=True)
                          if v is not None)
        lines.append(format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5" '
            'stroke-dasharray="{}"/>', points, colour, dash))
        lines.append(format_html_join("", '<circle cx="{}" cy="{}" r="3" fill="{}"/>', (
            (f"{x:.1f}", f"{y(v):.1f}", colour)
            for x, v in zip(xs, line.values, strict=True) if v is not None)))
        legend_x = LEFT + index * 140
        lines.append(format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2.5" '
            'stroke-dasharray="{}"/><text x="{}" y="{}" class="legend">{}</text>',
            legend_x, legend_x + 24, HEIGHT - 30, HEIGHT - 30, colour, dash, legend_x + 30,
            HEIGHT - 26, line.name))
    body = _join(*lines, _x_labels(labels, xs))
    return _frame(title, _described(labels, series), y_label, x_label, top, step, body)


def bar_chart(*, title: str, labels: list[str], values: list[int | Decimal | None],
              y_label: str, x_label: str, name: str = "") -> SafeString:
    """One bar per label; a missing value (no base for a rate) draws no bar."""
    largest = max((float(v) for v in values if v is not None), default=0)
    top, step = _nice_top(largest)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(1, len(labels))
    bar = min(48.0, slot * 0.7)
    xs = [LEFT + slot * index + slot / 2 for index in range(len(labels))]
    bars = []
    for x, value in zip(xs, values, strict=True):
        if value is None:
            continue
        height = plot_height * float(value) / top
        bars.append(format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
            '<text x="{}" y="{}" text-anchor="middle" class="value">{}</text>',
            f"{x - bar / 2:.1f}", f"{TOP + plot_height - height:.1f}", f"{bar:.1f}",
            f"{height:.1f}", COLOURS[0], f"{x:.1f}", f"{TOP + plot_height - height - 4:.1f}",
            _number(float(value))))
    body = _join(*bars, _x_labels(labels, xs))
    description = _described(labels, [Series(name=name or y_label, values=values)])
    return _frame(title, description, y_label, x_label, top, step, body)
