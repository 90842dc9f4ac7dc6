"""The report's two charts, drawn as inline SVG: no script, no remote asset, the same picture on
screen, in print and in the PDF (WeasyPrint draws SVG itself).

- `history_chart`: may be mailed and suppressed over the last 90 published nights (the state's
  runs.csv plus tonight), where a trend is easier seen than read;
- `monthly_deletions_chart`: rows falling due per month for the next 12 months, stacked by what
  is to be deleted or minimised, so that a busy month shows before it comes.

Every label comes from `Words`; numbers and dates are written in the report's language.
"""

from __future__ import annotations

import math
from datetime import date
from html import escape

from markupsafe import Markup

from hygiene.report.words import Words

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 50, 40
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
FONT = "DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif"
INK, GRID, MUTED = "#1d2433", "#d9dde5", "#5b6475"
# (series key, message id, colour) and (kind, colour): colours that survive grey-scale printing
SERIES = (("eligible", "glance.eligible", "#1f6f8b"), ("suppressed", "glance.suppressed", "#b5523b"))
KINDS = (
    (("contact", "delete"), "#1f6f8b"),
    (("booking", "delete"), "#b5523b"),
    (("booking", "minimize"), "#e0a458"),
    (("consent_event", "delete"), "#7a8a4a"),
)


def history_chart(nights: list[dict], words: Words) -> Markup:
    """Lines of `eligible` and `suppressed` per night (oldest first); a degraded night (G5) is an
    open dot. `nights` holds run_date, status and the two counts."""
    nights = [night for night in nights if _count(night, "eligible") is not None]
    title = words("marketing.chart")
    if not nights:
        return _svg(title, [])
    first = date.fromisoformat(nights[0]["run_date"])
    span = max((date.fromisoformat(nights[-1]["run_date"]) - first).days, 1)

    def x(night: dict) -> float:
        if len(nights) == 1:
            return LEFT + PLOT_WIDTH / 2
        return LEFT + (date.fromisoformat(night["run_date"]) - first).days / span * PLOT_WIDTH

    top = _nice_top(max(_count(night, key) or 0 for night in nights for key, _, _ in SERIES))
    parts = _y_axis(top, words)
    labelled = _spread(nights, 6)
    for night in labelled:
        # the first and last label stay inside the plot
        anchor = ("start" if night is labelled[0] and len(nights) > 1
                  else "end" if night is labelled[-1] and len(nights) > 1 else "middle")
        parts.append(_text(x(night), HEIGHT - BOTTOM + 18, words.short_date(night["run_date"]),
                           anchor=anchor))
    for position, (key, label, colour) in enumerate(SERIES):
        points = [(x(night), _y(_count(night, key) or 0, top), night) for night in nights]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                         'stroke-width="2" stroke-linejoin="round"/>')
        for px, py, night in points:
            fill = "#ffffff" if night.get("status") == "degraded" else colour
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.2" fill="{fill}" '
                         f'stroke="{colour}" stroke-width="1.5"/>')
        latest = words.number(_count(nights[-1], key))
        parts += _legend_item(position, colour, f"{words(label)}: {latest}")
    return _svg(title, parts)


def monthly_deletions_chart(months: list[dict], words: Words) -> Markup:
    """Stacked bars, one per month: `months` holds `month` (YYYY-MM) and `rows` per kind,
    `{"contact.delete": 12, ...}`, in calendar order."""
    title = words("deletions.chart")
    top = _nice_top(max((sum(month["rows"].values()) for month in months), default=0))
    parts = _y_axis(top, words)
    slot = PLOT_WIDTH / max(len(months), 1)
    bar = slot * 0.62
    for index, month in enumerate(months):
        left = LEFT + index * slot + (slot - bar) / 2
        base = TOP + PLOT_HEIGHT
        for (kind, colour) in KINDS:
            rows = month["rows"].get(".".join(kind), 0)
            if rows:
                height = rows / top * PLOT_HEIGHT
                base -= height
                parts.append(f'<rect x="{left:.1f}" y="{base:.1f}" width="{bar:.1f}" '
                             f'height="{height:.1f}" fill="{colour}"/>')
        total = sum(month["rows"].values())
        parts.append(_text(left + bar / 2, base - 5, words.number(total), anchor="middle",
                           size=10, colour=INK))
        label = words.short_month(month["month"])
        parts.append(_text(left + bar / 2, HEIGHT - BOTTOM + 16, label, anchor="middle"))
        if index == 0 or month["month"].endswith("-01"):
            parts.append(_text(left + bar / 2, HEIGHT - BOTTOM + 30, month["month"][:4],
                               anchor="middle", size=10))
    for position, (kind, colour) in enumerate(KINDS):
        parts += _legend_item(position, colour, words(f"kind.{'.'.join(kind)}"))
    return _svg(title, parts)


# ------------------------------------------------------------------------------------ helpers


def _svg(title: str, parts: list[str]) -> Markup:
    body = "\n".join(parts)
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" font-family="{FONT}" font-size="11">'
        f"<title>{escape(title)}</title>\n{body}\n</svg>"
    )


def _count(night: dict, key: str) -> int | None:
    value = night.get(key)
    return None if value in (None, "") else int(value)


def _nice_top(value: float) -> float:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above `value` (1 for an empty chart)."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 2.5, 5, 10) if step * magnitude >= value)


def _y(value: float, top: float) -> float:
    return TOP + PLOT_HEIGHT - value / top * PLOT_HEIGHT


def _y_axis(top: float, words: Words) -> list[str]:
    """Five grid lines from 0 to `top`, labelled in the report's number style."""
    parts = []
    for step in range(5):
        value = top * step / 4
        y = _y(value, top)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
                     f'stroke="{GRID}" stroke-width="1"/>')
        digits = 0 if float(value).is_integer() else 1
        parts.append(_text(LEFT - 8, y + 4, words.number(value, digits), anchor="end"))
    return parts


def _spread(items: list, most: int) -> list:
    """At most `most` items, evenly spread, first and last included (axis labels)."""
    if len(items) <= most:
        return items
    step = (len(items) - 1) / (most - 1)
    return [items[round(index * step)] for index in range(most)]


def _legend_item(position: int, colour: str, label: str) -> list[str]:
    """The legend above the plot: two items per line, the longest label fits half the width."""
    x, y = LEFT + (position % 2) * PLOT_WIDTH / 2, 14 + (position // 2) * 17
    return [
        f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="14" height="10" fill="{colour}"/>',
        _text(x + 20, y, label, colour=INK),
    ]


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 11,
          colour: str = MUTED) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="{colour}">{escape(text)}</text>')
