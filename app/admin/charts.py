"""Small server-drawn SVG charts (no JavaScript, nothing fetched from elsewhere)."""
from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape


def _nice_ceiling(value: float) -> int:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


def daily_chart(points: list[tuple[date, int | None]], *, label: str, kind: str = "line",
                color: str = "#1f77b4", width: int = 560, height: int = 160) -> Markup:
    """One series over days: a line (population) or bars (admissions). Missing days are
    gaps, not zeros: a day the scraper did not cover must not look like an empty jail."""
    left, right, top, bottom = 44, 8, 18, 22
    plot_w, plot_h = width - left - right, height - top - bottom
    known = [v for _, v in points if v is not None]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="ov-chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'aria-label="{escape(label)}">',
             f'<text x="{left}" y="12" font-size="11" fill="#333">{escape(label)}</text>']
    if not points or not known:
        parts.append(f'<text x="{left}" y="{top + plot_h / 2}" font-size="11" fill="#888">'
                     f'No snapshots for this period</text></svg>')
        return Markup("".join(parts))
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    top_value = _nice_ceiling(max(known))

    def x(day: date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h - plot_h * value / top_value

    for fraction in (0, 0.5, 1):
        tick = top_value * fraction
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'stroke="#e5e5e5"/><text x="{left - 4}" y="{y(tick) + 3:.1f}" font-size="9" '
                     f'text-anchor="end" fill="#666">{tick:g}</text>')
    parts.append(f'<text x="{left}" y="{height - 6}" font-size="9" fill="#666">{first.isoformat()}</text>'
                 f'<text x="{left + plot_w}" y="{height - 6}" font-size="9" text-anchor="end" '
                 f'fill="#666">{last.isoformat()}</text>')
    if kind == "bars":
        # One path for every bar: a long period stays one element, not hundreds.
        bar = max(plot_w / (span + 1) - 1, 1)
        base = top + plot_h
        commands = "".join(f"M{x(day):.1f} {base}V{y(value):.1f}"
                           for day, value in points if value is not None)
        parts.append(f'<path d="{commands}" stroke="{color}" stroke-width="{bar:.1f}" fill="none"/>')
    else:
        segment: list[str] = []
        segments = []
        for day, value in points:
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x(day):.1f},{y(value):.1f}")
        if segment:
            segments.append(segment)
        for seg in segments:
            parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" '
                         f'points="{" ".join(seg)}"/>')
        day, value = next((d, v) for d, v in reversed(points) if v is not None)
        parts.append(f'<circle cx="{x(day):.1f}" cy="{y(value):.1f}" r="2.5" fill="{color}">'
                     f'<title>{day.isoformat()}: {value}</title></circle>')
    parts.append("</svg>")
    return Markup("".join(parts))
