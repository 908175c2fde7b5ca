"""Report charts drawn on the server as SVG with pygal, shown as images beside a table of the
same numbers (the table is what screen readers and exports use)."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

import pygal
from pygal.style import Style

# pygal appends a legacy import hook (for its map plug-ins, unused here) to sys.meta_path; it makes
# every later failed import in the process emit an ImportWarning. Take it out again.
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__module__ != "pygal"]

TEXT = "#1e1e1e"
BAR = "#6a8ad6"
_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground=TEXT,
    foreground_strong=TEXT,
    foreground_subtle="#4a4a4a",
    # Bars light enough for the dark value labels drawn on them (4.9:1), dark enough against the
    # white background (3.4:1, the contrast graphical objects need); drawn opaque.
    colors=(BAR,),
    value_colors=(TEXT,),
    opacity="1",
    opacity_hover="1",
    font_family="DejaVu Sans, Arial, sans-serif",
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)
MAX_BARS = 24  # beyond this a chart stops being readable; the table keeps every line


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int], *, horizontal: bool = False) -> bytes:
    kind = pygal.HorizontalBar if horizontal else pygal.Bar
    height = max(320, 40 + 28 * min(len(labels), MAX_BARS)) if horizontal else 360
    chart = kind(
        style=_STYLE,
        js=[],
        show_legend=False,
        print_values=True,
        disable_xml_declaration=True,
        width=760,
        height=height,
        x_label_rotation=0 if horizontal else 30,
        truncate_label=40,
        min_scale=1,
        show_y_guides=not horizontal,
    )
    chart.title = title
    shown = list(zip(labels, values, strict=True))[:MAX_BARS]
    if horizontal:
        shown.reverse()  # pygal draws the first value at the bottom
    chart.x_labels = [label for label, _ in shown]
    top = max((value for _, value in shown), default=0)
    step = max(1, -(-top // 8))  # whole numbers of badges and people: integer ticks only
    chart.y_labels = list(range(0, top + step + 1, step))
    chart.add(title, [value for _, value in shown])
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    return svg.encode()
