"""Server-rendered SVG charts: pure functions from numbers to SVG markup (no Django import), so
that one chart serves the web page and the PDF (WeasyPrint renders SVG).

Every chart carries a <title> and a <desc> (read by screen readers through aria-labelledby) and
prints its values as text: the colours are never the only carrier of information. Every piece
of text goes through `escape`.
"""

import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence
from html import escape
from typing import NamedTuple

from siae_portal.reference import TARGET_DURABLE_RATE, TARGET_DYNAMIC_RATE

# Colour-blind friendly palette (Okabe-Ito), dark enough for text on white.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
TARGET_COLOUR = "#B00020"
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'

# The circulaire's targets, as the rate charts draw them.
TARGETS = {"objectif dynamique": TARGET_DYNAMIC_RATE, "objectif durable": TARGET_DURABLE_RATE}

# The rates of a chart: (label, one value 0-1 or None per year) for each series.
Series = Sequence[tuple[str, Sequence[float | None]]]


def _uid(prefix: str, *content: object) -> str:
    """The ids of a chart's title and description, drawn from what the chart says: two charts of a
    page differ, and the same chart drawn twice is the same text (the PDF summary of unchanged
    answers is recognised by its HTML, dossiers.pdf)."""
    digest = hashlib.sha1("|".join(map(str, content)).encode()).hexdigest()[:10]
    return f"{prefix}-{digest}"


def percent(value: float | None) -> str:
    """0.588 -> "58,8 %" (French), None -> "pas de taux"."""
    if value is None:
        return "pas de taux"
    return f"{value * 100:.1f} %".replace(".", ",")


def _open(width: int, height: int, title: str, desc: str, prefix: str) -> tuple[list[str], str]:
    uid = _uid(prefix, width, height, title, desc)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{uid}-title {uid}-desc" class="chart">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(desc)}</desc>',
    ]
    return parts, uid


def _text(x: float, y: float, text: str, size: int = 11, anchor: str = "middle", fill: str = "#212529", **extra):
    attributes = "".join(f' {name.replace("_", "-")}="{escape(str(value))}"' for name, value in extra.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" {FONT}{attributes}>'
        f"{escape(text)}</text>"
    )


def _legend(items: Sequence[tuple[str, str]], x: float, y: float) -> list[str]:
    """A horizontal legend of (label, colour) swatches."""
    parts = ['<g class="legend">']
    for label, colour in items:
        parts.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 18, y, label, anchor="start"))
        x += 30 + 7.0 * len(label)
    parts.append("</g>")
    return parts


class _Plot(NamedTuple):
    """The plot area of a rate chart inside its margins, in pixels from the top-left corner."""

    left: float
    top: float
    width: float
    height: float


def _rate_chart(
    draw: Callable[..., list[str]],
    prefix: str,
    years: Sequence[int],
    series: Series,
    targets: Mapping[str, float] | None = None,
    *,
    title: str,
    desc: str = "",
    width: int = 640,
    height: int = 300,
    margin_right: int,
) -> str:
    """The frame every chart of rates over years shares: margins (wider on the right when target
    labels need room), title and description, percent axis, the series' legend. `draw(years,
    series, targets, plot)` returns the marks inside the plot, target lines included (each chart
    decides whether they lie over or under its series)."""
    targets = targets or {}
    left, top = 44, 16
    plot = _Plot(left, top, width - left - (128 if targets else margin_right), height - top - 62)
    parts, _ = _open(width, height, title, desc or _describe(years, series, targets), prefix)
    parts += _axis_percent(*plot)
    parts += draw(years, series, targets, plot)
    parts += _legend(_series_colours(series), left, height - 12)
    parts.append("</svg>")
    return "".join(parts)


def rate_bars(years: Sequence[int], series: Series, targets: Mapping[str, float] | None = None, **frame) -> str:
    """Grouped bars: one group per year, one bar per rate (values 0-1 or None for "pas de taux"),
    with each target drawn as a dashed horizontal line labelled with its value. `frame`: title,
    desc, width, height (_rate_chart)."""
    return _rate_chart(_bars, "rate-bars", years, series, targets, margin_right=12, **frame)


def trend_lines(years: Sequence[int], series: Series, targets: Mapping[str, float] | None = None, **frame) -> str:
    """One line per series over the years (values 0-1; None leaves a gap), targets dashed.
    `frame`: title, desc, width, height (_rate_chart)."""
    return _rate_chart(_trend, "trend", years, series, targets, margin_right=24, **frame)


def _bars(years: Sequence[int], series: Series, targets: Mapping[str, float], plot: _Plot) -> list[str]:
    left, top, plot_w, plot_h = plot
    parts = []
    group_w = plot_w / max(len(years), 1)
    bar_w = min(36.0, (group_w - 12) / max(len(series), 1))
    for y_index, year in enumerate(years):
        group_x = left + y_index * group_w + (group_w - bar_w * len(series)) / 2
        for s_index, (label, values) in enumerate(series):
            value = values[y_index]
            x = group_x + s_index * bar_w
            colour = PALETTE[s_index % len(PALETTE)]
            if value is None:
                parts.append(_text(x + bar_w / 2, top + plot_h - 4, "n.d.", size=9, fill="#6c757d"))
                continue
            bar_h = max(0.0, min(value, 1.0)) * plot_h
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{top + plot_h - bar_h:.1f}" width="{bar_w - 2:.1f}" height="{bar_h:.1f}" '
                f'fill="{colour}"><title>{escape(f"{label} {year} : {percent(value)}")}</title></rect>'
            )
            parts.append(_text(x + bar_w / 2, top + plot_h - bar_h - 3, f"{value * 100:.0f}", size=9))
        parts.append(_text(left + (y_index + 0.5) * group_w, top + plot_h + 15, str(year)))
    parts += _target_lines(targets, *plot)
    return parts


def _trend(years: Sequence[int], series: Series, targets: Mapping[str, float], plot: _Plot) -> list[str]:
    left, top, plot_w, plot_h = plot
    point = _plotter(len(years), left, top, plot_w, plot_h)
    parts = [_text(point(index, 0)[0], top + plot_h + 15, str(year)) for index, year in enumerate(years)]
    parts += _target_lines(targets, *plot)
    for s_index, (label, values) in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        parts += _polylines(values, point, f'stroke="{colour}" stroke-width="2"')
        for index, value in enumerate(values):
            if value is not None:
                x, y = point(index, value)
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                    f"<title>{escape(f'{label} {years[index]} : {percent(value)}')}</title></circle>"
                )
    return parts


def trajectory(
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[float | None], Sequence[float | None]]],
    *,
    title: str,
    desc: str = "",
    partial_years: Collection[int] = (),
    width: int = 640,
    height: int = 310,
) -> str:
    """Actual against objective over a convention's years. Each series is (label, actual values,
    objective values), rates 0-1 or None: the actual is a solid line whose points print their
    value, the objective a dashed line of the same colour with square markers. The years of
    `partial_years` (year-to-date figures) are labelled "(en cours)" and their actual point is
    hollow: a year not over yet is not compared as if it were."""
    left, right, top, bottom = 44, 24, 16, 78
    plot_w, plot_h = width - left - right, height - top - bottom
    labels = {year: f"{year} (en cours)" if year in partial_years else str(year) for year in years}
    parts, _ = _open(width, height, title, desc or _describe_trajectory(years, series, labels), "trajectory")
    parts += _axis_percent(left, top, plot_w, plot_h)
    # The first and last years inset from the plot's edges: their points and labels stay readable.
    inset = 48
    point = _plotter(len(years), left + inset, top, plot_w - 2 * inset, plot_h)
    for index, year in enumerate(years):
        parts.append(_text(point(index, 0)[0], top + plot_h + 15, labels[year]))
    for s_index, (label, actuals, targets) in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        parts += _polylines(targets, point, f'stroke="{colour}" stroke-width="1.5" stroke-dasharray="6 4"')
        parts += _polylines(actuals, point, f'stroke="{colour}" stroke-width="2.5"')
        for index, (actual, target) in enumerate(zip(actuals, targets, strict=True)):
            year = labels[years[index]]
            if target is not None:
                x, y = point(index, target)
                parts.append(
                    f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}">'
                    f"<title>{escape(f'{label} {year} : objectif {percent(target)}')}</title></rect>"
                )
            if actual is not None:
                x, y = point(index, actual)
                fill = "#ffffff" if years[index] in partial_years else colour
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{fill}" stroke="{colour}" stroke-width="2">'
                    f"<title>{escape(f'{label} {year} : réalisé {percent(actual)}')}</title></circle>"
                )
                parts.append(_text(x, y - 8, f"{actual * 100:.0f}", size=9, fill=colour))
    parts += _legend([(label, PALETTE[i % len(PALETTE)]) for i, (label, _, _) in enumerate(series)], left, height - 30)
    parts += _line_key(left, height - 10)
    parts.append("</svg>")
    return "".join(parts)


def _line_key(x: float, y: float) -> list[str]:
    """What the two strokes of `trajectory` mean, in words beside a sample of each."""

    def sample(x0: float, stroke: str) -> str:
        return f'<line x1="{x0:.1f}" y1="{y - 4:.1f}" x2="{x0 + 24:.1f}" y2="{y - 4:.1f}" stroke="#212529" {stroke}/>'

    return [
        '<g class="legend">',
        sample(x, 'stroke-width="2.5"'),
        _text(x + 30, y, "réalisé (valeur en %)", anchor="start"),
        sample(x + 180, 'stroke-width="1.5" stroke-dasharray="6 4"'),
        _text(x + 210, y, "objectif", anchor="start"),
        "</g>",
    ]


def _describe_trajectory(years, series, labels) -> str:
    return (
        "; ".join(
            f"{label} : "
            + ", ".join(
                f"{labels[year]} réalisé {percent(actual)} "
                + ("sans objectif" if target is None else f"pour un objectif de {percent(target)}")
                for year, actual, target in zip(years, actuals, targets, strict=True)
            )
            for label, actuals, targets in series
        )
        + "."
    )


def stacked_categories(
    rows: Sequence[tuple[str, Mapping[str, int]]],
    categories: Sequence[tuple[str, str]],
    *,
    title: str,
    desc: str = "",
    width: int = 640,
    row_height: int = 28,
) -> str:
    """Horizontal 100 % stacked bars: one row per label (e.g. a year), one segment per category
    (counts); each segment wide enough prints its count."""
    left, right, top = 70, 12, 10
    height = top + len(rows) * (row_height + 8) + 50
    plot_w = width - left - right
    if not desc:
        desc = "; ".join(
            f"{label} : " + ", ".join(f"{name} {values.get(code, 0)}" for code, name in categories)
            for label, values in rows
        )
    parts, _ = _open(width, height, title, desc, "stacked")
    for index, (label, values) in enumerate(rows):
        y = top + index * (row_height + 8)
        parts.append(_text(left - 6, y + row_height / 2 + 4, label, anchor="end"))
        total = sum(values.get(code, 0) for code, _ in categories)
        if not total:
            parts.append(_text(left + 4, y + row_height / 2 + 4, "aucune sortie", anchor="start", fill="#6c757d"))
            continue
        x = float(left)
        for c_index, (code, name) in enumerate(categories):
            n = values.get(code, 0)
            if not n:
                continue
            w = n / total * plot_w
            colour = PALETTE[c_index % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_height}" fill="{colour}">'
                f"<title>{escape(f'{label} · {name} : {n}')}</title></rect>"
            )
            if w >= 22:
                parts.append(_text(x + w / 2, y + row_height / 2 + 4, str(n), fill="#ffffff"))
            x += w
    parts += _legend([(name, PALETTE[i % len(PALETTE)]) for i, (_, name) in enumerate(categories)], 8, height - 12)
    parts.append("</svg>")
    return "".join(parts)


def _plotter(n_years: int, left: float, top: float, plot_w: float, plot_h: float):
    """The (x, y) of a value (0-1, clamped) at the index-th of `n_years` years spread over the plot
    (a single year in its middle)."""
    step = plot_w / max(n_years - 1, 1)

    def point(index: int, value: float) -> tuple[float, float]:
        x = left + (index * step if n_years > 1 else plot_w / 2)
        return x, top + plot_h - max(0.0, min(value, 1.0)) * plot_h

    return point


def _polylines(values: Sequence[float | None], point, stroke: str) -> list[str]:
    """One polyline per run of consecutive values (None leaves a gap; a lone value draws none)."""
    segments, current = [], []
    for index, value in enumerate(values):
        if value is None:
            segments.append(current)
            current = []
        else:
            current.append(point(index, value))
    segments.append(current)
    return [
        f'<polyline points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in segment)}" fill="none" {stroke}/>'
        for segment in segments
        if len(segment) > 1
    ]


def _target_lines(targets: Mapping[str, float], left: float, top: float, plot_w: float, plot_h: float) -> list[str]:
    """Each target (0-1) as a dashed horizontal line across the plot, labelled on its right."""
    parts = []
    for label, target in targets.items():
        y = top + plot_h - target * plot_h
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{TARGET_COLOUR}" '
            f'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        parts.append(_text(left + plot_w + 4, y + 3, f"{label} {percent(target)}", 9, "start", TARGET_COLOUR))
    return parts


def _series_colours(series: Series) -> list[tuple[str, str]]:
    """The legend of the series: each label with its colour."""
    return [(label, PALETTE[i % len(PALETTE)]) for i, (label, _) in enumerate(series)]


def _axis_percent(left: float, top: float, plot_w: float, plot_h: float) -> list[str]:
    parts = ['<g class="axis">']
    for tick in range(0, 101, 20):
        y = top + plot_h - tick / 100 * plot_h
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#dee2e6"/>')
        parts.append(_text(left - 6, y + 4, f"{tick} %", size=10, anchor="end"))
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#6c757d"/>')
    parts.append("</g>")
    return parts


def _describe(years, series, targets) -> str:
    lines = [
        f"{label} : " + ", ".join(f"{year} {percent(value)}" for year, value in zip(years, values, strict=True))
        for label, values in series
    ]
    lines += [f"objectif {label} : {percent(target)}" for label, target in targets.items()]
    return "; ".join(lines) + "."
