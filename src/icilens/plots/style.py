"""Shared look of every chart: fonts, colours and the research-use footnote."""

from __future__ import annotations

import html

import plotly.graph_objects as go
import plotly.io as pio

from icilens import __version__
from icilens.vocabulary import Group, outcome_of_group

# One palette for the app, its exports and reports: Okabe & Ito's, which readers with any common colour
# vision deficiency tell apart (no red against green). Responders are always blue, non-responders orange;
# a feature that raises a prediction is blue, one that lowers it vermillion.
RESPONDER = "#0072B2"
NON_RESPONDER = "#E69F00"
RAISES = "#0072B2"
LOWERS = "#D55E00"
NEUTRAL = "#3b6ea8"
TOTAL = "#4b5563"
MUTED = "#9aa5b1"
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999", "#882255")


# plotly_white's layout with the trace defaults of the trace types ICI Lens draws only. On a page, Streamlit's
# own theme styles a chart, so the template is applied only when a chart leaves the app (`printable`): copying
# it into every figure was the largest part of building a page.
_WHITE = pio.templates["plotly_white"]
TEMPLATE = go.layout.Template(
    layout=_WHITE.layout,
    data={kind: _WHITE.data[kind] for kind in ("bar", "heatmap", "histogram", "scatter", "scattergl")},
)


def rgb(colour: str) -> tuple[int, int, int]:
    """Return a '#rrggbb' colour as an (r, g, b) tuple, for the PDF report."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def group_colours(groups: list) -> list[str]:
    """Return one colour per group: blue for responders, orange for non-responders, the palette otherwise."""
    colours = []
    for index, group in enumerate(groups):
        outcome = outcome_of_group(group)
        if outcome is None:
            colours.append(PALETTE[index % len(PALETTE)])
        else:
            colours.append(RESPONDER if outcome == Group.RESPONDER else NON_RESPONDER)
    return colours


def finish(
    figure: go.Figure,
    title: str,
    height: int = 420,
    subtitle: str | None = None,
    export_width: int = 1100,
    layout: dict | None = None,
) -> go.Figure:
    """Return the figure with the title, a subtitle ending in the research-use note, and the common layout.

    The legend goes under the chart, one row per entry in the worst case, and the research-use note under
    the title, so that on a narrow laptop column nothing covers the curves, the title or the axis labels.
    layout, when given, is merged last (axes, bar mode, margins of this kind of chart).
    """
    note = f"ICI Lens {__version__} · research use only"
    entries = sum(1 for trace in figure.data if trace.name and trace.showlegend is not False)
    common = {
        "title": {
            "text": title,
            "x": 0,
            "xanchor": "left",
            "subtitle": {"text": f"{subtitle}<br>{note}" if subtitle else note, "font": {"size": 11, "color": "#555"}},
        },
        "font": {"family": "Inter, Arial, sans-serif", "size": 13},
        "height": height + 20 * entries,
        "margin": {"l": 10, "r": 10, "t": 75 if not subtitle else 95, "b": 60 + 20 * entries},
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "bottom", "yref": "container"},
        # The width of an exported image: square charts (ROC, calibration) must not be stretched into a band.
        "meta": {"export_width": export_width},
    }
    # One new figure from plain dictionaries: plotly validates each property once, where update_layout walks
    # and re-validates the whole layout, the default template included, at every call.
    built = figure.layout.to_plotly_json()
    built.pop("template", None)
    return go.Figure(data=figure.data, layout=_merged(_merged(built, common), layout or {}))


def _merged(base: dict, extra: dict) -> dict:
    """Return base with extra merged into it, nested dictionaries key by key."""
    out = dict(base)
    for key, value in extra.items():
        nested = isinstance(value, dict) and isinstance(out.get(key), dict)
        out[key] = _merged(out[key], value) if nested else value
    return out


def printable(figure: go.Figure, caption: str | None = None) -> go.Figure:
    """Return a copy of the figure as it leaves the app: white background and ICI Lens's template.

    caption, when given (the cohort, the patient), is added to the line under the title, so that a picture
    separated from its file name still says whom it shows.
    """
    changes: dict = {"template": TEMPLATE, "paper_bgcolor": "white", "plot_bgcolor": "white"}
    subtitle = figure.layout.title.subtitle.text
    if caption:
        # the user's words (a file name, a patient id) as text: plotly would draw <a href=...> in it as a link
        caption = html.escape(caption, quote=False)
        text = f"{subtitle} · {caption}" if subtitle else caption
        changes["title"] = {"subtitle": {"text": text, "font": {"size": 11, "color": "#555"}}}
    return go.Figure(figure).update_layout(changes)
