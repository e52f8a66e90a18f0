"""The written style every page, export and PDF follows (README, "Style of what a clinician reads").

`style_problems` reads texts as rendered and returns each breach with the text it is in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import pandas as pd

RULES = {
    "a missing value printed as code": re.compile(r"(?<![\w-])(None|nan|NaN|<NA>|NaT|null)(?![\w-])"),
    "a comparison in ASCII (write ≥ or ≤)": re.compile(r"(?<![<=>])(>=|<=)(?![<=>])"),
    # a number in e-notation, not a digest or hexadecimal id that happens to hold an "e"
    "scientific notation (write <0.001 or a fixed number of decimals)": re.compile(
        r"(?<![0-9a-fA-F])\d(\.\d+)?e[-+]?\d+(?![0-9a-fA-F])"
    ),
    # a programmer's name; a file's name (a path, or ending in an extension) is a name the user can look up
    "a code word (snake_case)": re.compile(r"(?<![/\w.])[a-z][a-z0-9]*(_[a-z0-9]+)+\b(?!\.\w)"),
    "a formula or file list from the model card": re.compile(r"exp\(|ensemble\.files|mean_m|f_m\(x\)|draw level"),
    "a unit said twice": re.compile(r"\b(\w+) to (\w+) (\w+) \1-\2\b"),
    "an interval with a hyphen (write 95% CI a to b)": re.compile(r"\(\d\.\d+-\d\.\d+\)|CI -?\d\.\d+-\d"),
    "a count in the wrong number (1 patients, 0 warning)": re.compile(
        r"(?<![\d.,-])(1 (?:patients|samples|cohorts|notes|warnings|errors|inputs|genes|columns|rows|responders)"
        r"|(?:0|[2-9]|\d{2,}) (?:patient|sample|cohort|note|warning|error|input|gene|column|row|responder)"
        r"(?=$|[,.;:·)\]]| ·| (?:and|of|with|have|has|are)\b))"
    ),
}


def style_problems(texts: Iterable[object], allowed: Iterable[str] = ()) -> list[str]:
    """Return '<rule>: <text>' for every text that breaks a rule; words in `allowed` (file names, ids) are skipped."""
    skip = [str(word) for word in allowed if word]
    problems = []
    for text in texts:
        value = str(text)
        for word in skip:
            value = value.replace(word, "")
        problems += [f"{rule}: {text!r}" for rule, pattern in RULES.items() if pattern.search(value)]
    return problems


def table_texts(table: pd.DataFrame, id_columns: Iterable[str] = ()) -> list[str]:
    """Return a rendered table's header and cells as text; id columns' cells are data, not words, and are skipped."""
    texts = [str(column) for column in table.columns]
    for column in table.columns:
        if column in set(id_columns):
            continue
        cells = table[column]
        if not pd.api.types.is_numeric_dtype(cells):  # numbers are shown by their column's format
            texts += [str(value) for value in cells[cells.notna()].astype(str).unique()]
    return texts


def page_texts(at) -> list[str]:
    """Return every text an AppTest page shows: headings, prose, notices, labels, metrics, options and tables."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "success", "error", "text"):
        texts += [element.value for element in at.get(kind)]
    for kind in (
        "button",
        "download_button",
        "selectbox",
        "radio",
        "multiselect",
        "slider",
        "number_input",
        "text_input",
        "checkbox",
        "toggle",
        "expandable",
        "tab",
    ):
        for element in at.get(kind):
            texts.append(getattr(element, "label", ""))
            texts += [str(option) for option in getattr(element, "options", [])]
    for metric in at.get("metric"):
        texts += [metric.label, metric.value]
    return [text for text in texts if text]


def displayed_table(element) -> pd.DataFrame:
    """Return an AppTest table as the user sees it: its column order, labels and option labels, hidden columns out."""
    table = element.value
    config = json.loads(element.proto.columns or "{}")
    order = list(element.proto.column_order) or list(table.columns)
    shown = {}
    for column in order:
        settings = config.get(str(column), {})
        if column not in table.columns or settings.get("hidden"):
            continue
        cells = table[column]
        options = settings.get("type_config", {}).get("options")
        if options and isinstance(options[0], dict):
            labels = {option["value"]: option.get("label", option["value"]) for option in options}
            cells = cells.map(lambda value, labels=labels: labels.get(value, value))
        shown[settings.get("label") or column] = cells
    return pd.DataFrame(shown)
