"""Issue 21, point 5: the report charts' value labels read at 4.5:1 at least, wherever pygal draws
them (on the bar or beside it), and the bars stand out from the background at 3:1 (WCAG 1.4.3
and 1.4.11), measured on the SVG as served."""

from __future__ import annotations

import re

from service.web.charts import bar_chart


def luminance(colour: str) -> float:
    colour = {"black": "#000000", "white": "#ffffff"}.get(colour, colour).lstrip("#")
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rule(css: str, selector: str, prop: str) -> str:
    """The last value the stylesheet gives ``prop`` for exactly ``selector`` (one of a list)."""
    found = []
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css):
        if selector in [s.strip() for s in selectors.split(",")]:
            found += re.findall(r"(?:^|;)" + re.escape(prop) + r":([^;]+)", body)
    assert found, (selector, prop)
    return found[-1].strip()


def test_value_labels_and_bars_have_enough_contrast() -> None:
    for horizontal in (False, True):
        svg = bar_chart("Badges", ["janvier", "février", "mars"], [1, 12, 40], horizontal=horizontal).decode()
        css = "".join(re.findall(r"<style[^>]*>(.*?)</style>", svg, re.DOTALL))
        css = re.sub(r"#chart-[0-9a-f-]+ ", "", css).replace("&gt;", ">")
        bar = rule(css, ".color-0 a:visited", "fill")
        label = rule(css, ".text-overlay .color-0 text", "fill")
        background = rule(css, ".plot > .background", "fill")
        assert rule(css, ".reactive", "fill-opacity") == "1"  # the bar's colour is the colour seen
        assert 'class="value' in svg  # the values are printed
        assert contrast(label, bar) >= 4.5
        assert contrast(label, background) >= 4.5
        assert contrast(bar, background) >= 3.0
