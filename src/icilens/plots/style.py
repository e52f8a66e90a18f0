"""Shared look of every chart: fonts, colours and the research-use footnote."""

from __future__ import annotations

import plotly.graph_objects as go

from icilens import __version__

RESPONDER = "#1b7f5f"
NON_RESPONDER = "#b8433b"
NEUTRAL = "#3b6ea8"
MUTED = "#9aa5b1"


PALETTE = ("#3b6ea8", "#d98b2b", "#6a9f58", "#9c6bb0", "#c95b5b", "#4fa3a5", "#8c7a5b", "#d16fa3")


def group_colours(groups: list) -> list[str]:
    """Return one colour per group: green for responders, red for non-responders, a palette otherwise."""
    colours = []
    for index, group in enumerate(groups):
        name = str(group)
        if "non-responder" in name:
            colours.append(NON_RESPONDER)
        elif "responder" in name:
            colours.append(RESPONDER)
        else:
            colours.append(PALETTE[index % len(PALETTE)])
    return colours


def finish(figure: go.Figure, title: str, height: int = 420, subtitle: str | None = None) -> go.Figure:
    """Return the figure with the title (and subtitle), the common layout and the research-use footnote."""
    heading = {"text": title, "x": 0, "xanchor": "left"}
    if subtitle:
        heading["subtitle"] = {"text": subtitle, "font": {"size": 11, "color": "#555"}}
    figure.update_layout(
        title=heading,
        template="plotly_white",
        font={"family": "Inter, Arial, sans-serif", "size": 13},
        height=height,
        margin={"l": 10, "r": 10, "t": 60, "b": 70},
    )
    figure.add_annotation(
        text=f"ICI Lens {__version__} · research use only",
        xref="paper",
        yref="paper",
        x=0,
        y=-0.16,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        font={"size": 10, "color": "#667"},
    )
    return figure
