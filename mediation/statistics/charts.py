"""Server-rendered SVG charts for the statistics pages and the printed report.

Plain SVG markup, no script and no style attributes (the Content-Security-Policy allows neither):
colours, sizes and fonts are presentation attributes. Every bar carries its value as text and the
two series differ by pattern (solid against hatched), so a chart still reads in black and white.
Labels are escaped here; the caller may mark the result safe.
"""

import math
from dataclasses import dataclass
from html import escape

FONT = "Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, Microsoft YaHei, sans-serif"
INK = "#1f2933"
GRID = "#c9d0d7"
SOLID = "#1f4e79"  # first series: solid fill
HATCH = "#1d7a46"  # second series: diagonal hatching on white


@dataclass(frozen=True)
class Series:
    name: str  # shown in the legend, e.g. 受理
    values: list[int]


def _e(text) -> str:
    return escape(str(text), quote=True)


def _fmt(value: int) -> str:
    return f"{value:,}"


def _axis(value: int) -> tuple[int, int]:
    """(step, ticks): a step of 1, 2 or 5 × 10^k and at most five of them to reach `value`."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            ticks = -(-value // (step * magnitude))
            if ticks <= 5:
                return step * magnitude, max(ticks, 1)
        magnitude *= 10


def _defs(chart_id: str) -> str:
    return (
        f'<defs><pattern id="{chart_id}-hatch" patternUnits="userSpaceOnUse" width="6" height="6"'
        ' patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="3"/>'
        "</pattern></defs>"
    )


def _fill(chart_id: str, index: int) -> str:
    return SOLID if index == 0 else f"url(#{chart_id}-hatch)"


def _stroke(index: int) -> str:
    return SOLID if index == 0 else HATCH


def _legend(chart_id: str, series: list[Series], x: float, y: float) -> str:
    parts = []
    for i, s in enumerate(series):
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="14" height="12" fill="{_fill(chart_id, i)}"'
            f' stroke="{_stroke(i)}" stroke-width="1"/>'
            f'<text x="{x + 19:.1f}" y="{y:.1f}" font-size="12" fill="{INK}">{_e(s.name)}</text>'
        )
        x += 30 + 13 * len(s.name)
    return "".join(parts)


def _svg(chart_id: str, title: str, width: int, height: int, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="{chart_id}"'
        f' viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img"'
        f' aria-labelledby="{chart_id}-title" font-family="{FONT}">'
        f'<title id="{chart_id}-title">{_e(title)}</title>{_defs(chart_id)}{body}</svg>'
    )


def column_chart(
    chart_id: str, title: str, labels: list[str], series: list[Series], width: int = 960
) -> str:
    """Vertical bars side by side for each label (e.g. handled and succeeded by month), with the
    value above each bar while bars are wide enough to carry it. A label may hold a second line
    after "\n" (the year under a month)."""
    height, top, bottom, left, right = 300, 34, 46, 48, 12
    plot_w, plot_h = width - left - right, height - top - bottom
    step, ticks = _axis(max((v for s in series for v in s.values), default=0))
    peak = step * ticks
    count = max(len(labels), 1)
    slot = plot_w / count
    bar = max(min(slot * 0.8 / len(series), 28), 1.5)
    label_values = bar >= 13
    label_every = math.ceil(count / 24)
    parts = [_legend(chart_id, series, left, 16)]
    for i in range(ticks + 1):
        y = top + plot_h - plot_h * i / ticks
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}"'
            f' stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" fill="{INK}"'
            f' text-anchor="end">{_fmt(step * i)}</text>'
        )
    for index, label in enumerate(labels):
        x0 = left + slot * index + (slot - bar * len(series)) / 2
        for k, s in enumerate(series):
            value = s.values[index]
            h = plot_h * value / peak
            x = x0 + bar * k
            y = top + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}"'
                f' fill="{_fill(chart_id, k)}" stroke="{_stroke(k)}" stroke-width="1">'
                f"<title>{_e(label)} {_e(s.name)}：{_fmt(value)}</title></rect>"
            )
            if label_values and value:
                parts.append(
                    f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="10" fill="{INK}"'
                    f' text-anchor="middle">{_fmt(value)}</text>'
                )
        if index % label_every == 0:
            cx = left + slot * index + slot / 2
            for line, text in enumerate(label.split("\n")):
                parts.append(
                    f'<text x="{cx:.1f}" y="{top + plot_h + 16 + 14 * line}" font-size="11"'
                    f' fill="{INK}" text-anchor="middle">{_e(text)}</text>'
                )
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}"'
        f' stroke="{INK}" stroke-width="1"/>'
    )
    if not label_values:
        parts.append(
            f'<text x="{width - right}" y="{height - 6}" font-size="11" fill="{INK}"'
            ' text-anchor="end">各月数值见下表</text>'
        )
    return _svg(chart_id, title, width, height, "".join(parts))


def bar_chart(
    chart_id: str, title: str, labels: list[str], series: list[Series], width: int = 960
) -> str:
    """Horizontal bars, one group per label (e.g. handled and succeeded by category), each bar
    followed by its value."""
    bar, gap = 13, 12
    group = bar * len(series) + gap
    longest = max((min(len(label), 20) for label in labels), default=2)
    top, left, right = 30, 24 + 12 * longest, 70
    height = top + group * max(len(labels), 1) + 8
    plot_w = width - left - right
    peak = max((v for s in series for v in s.values), default=0) or 1
    parts = [_legend(chart_id, series, left, 16)]
    for index, label in enumerate(labels):
        y0 = top + group * index
        short = label if len(label) <= 20 else label[:19] + "…"
        parts.append(
            f'<text x="{left - 8}" y="{y0 + bar * len(series) / 2 + 4:.1f}" font-size="12"'
            f' fill="{INK}" text-anchor="end">{_e(short)}<title>{_e(label)}</title></text>'
        )
        for k, s in enumerate(series):
            value = s.values[index]
            w = plot_w * value / peak
            y = y0 + bar * k
            parts.append(
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar - 1}"'
                f' fill="{_fill(chart_id, k)}" stroke="{_stroke(k)}" stroke-width="1">'
                f"<title>{_e(label)} {_e(s.name)}：{_fmt(value)}</title></rect>"
                f'<text x="{left + w + 5:.1f}" y="{y + bar - 3}" font-size="11"'
                f' fill="{INK}">{_fmt(value)}</text>'
            )
    parts.append(
        f'<line x1="{left}" y1="{top - 4}" x2="{left}" y2="{height - 6}" stroke="{INK}"'
        ' stroke-width="1"/>'
    )
    return _svg(chart_id, title, width, height, "".join(parts))
