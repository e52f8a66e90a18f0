"""The printable one-patient report (PDF, A4), built in memory with the waterfall drawn as vectors."""

from __future__ import annotations

import datetime as dt
from functools import cache, partial
from importlib.resources import as_file, files

import numpy as np
import pandas as pd

from icilens import DISCLAIMER, __version__
from icilens.explain.patient import PatientExplanation, explain_patient, format_value, waterfall_bars
from icilens.model.uncertainty import describe_range
from icilens.plots.style import LOWERS, NEUTRAL, RAISES, rgb
from icilens.reports.model_summary import describe_model_plainly
from icilens.schema import FEATURES, FIELD_BY_NAME
from icilens.scoring.predictions import predict_cohort
from icilens.vocabulary import ABOUT_A_COLUMN, Column

RAISE, LOWER, BLUE, GREY = rgb(RAISES), rgb(LOWERS), rgb(NEUTRAL), (110, 110, 110)
FONTS = files("icilens") / "bundled" / "fonts"
FONT = "DejaVu"


@cache
def _printable_characters() -> frozenset[int]:
    """Return the code points the bundled font can draw (read once: it is the font's, not a patient's)."""
    from fontTools.ttLib import TTFont  # fpdf2's own dependency, needed only when a PDF is built

    with as_file(FONTS / "DejaVuSans.ttf") as path:
        return frozenset(TTFont(path).getBestCmap())


def _plain(text: object) -> str:
    """Return text the report's font can draw: a character it has no glyph for becomes '?'."""
    drawable = _printable_characters()
    return "".join(c if ord(c) in drawable or c in "\n\t" else "?" for c in str(text))


def _fit(pdf, text: object, width: float) -> str:
    """Return the text, shortened with an ellipsis where needed, so that it fits a cell of this width."""
    value = _plain(text)
    room = width - 2 * pdf.c_margin
    if pdf.get_string_width(value) <= room:
        return value
    while value and pdf.get_string_width(value + "…") > room:
        value = value[:-1]
    return value.rstrip() + "…"


def input_notes(
    patient: pd.DataFrame,
    findings: pd.DataFrame | None,
    source_row: int | None,
    mapping: dict[str, str | None] | None = None,
) -> dict[str, str]:
    """Return, per feature, what intake did to this patient's value (converted, derived or rejected)."""
    notes: dict[str, str] = {}
    if findings is None or findings.empty:
        return notes
    header_of = {header: field for header, field in (mapping or {}).items() if field}
    for _, finding in findings.iterrows():
        applies = pd.isna(finding["row"]) or (source_row is not None and int(finding["row"]) == source_row)
        column = str(finding["column"])
        field = header_of.get(column) or column.split(" ")[0]
        if applies and field in FIELD_BY_NAME and finding["action"] and finding["code"] not in ABOUT_A_COLUMN:
            notes[field] = f"{finding['problem']}: {finding['action']}"
    return notes


def build_patient_report(
    model,
    patient: pd.DataFrame,
    scored: pd.Series | None = None,
    notes: dict[str, str] | None = None,
    cohort_label: str = "",
    today: dt.date | None = None,
    transcriptome: pd.Series | None = None,
    transcriptome_model=None,
) -> bytes:
    """Return a one- or two-page A4 PDF for one patient: prediction, waterfall, drivers, inputs, model, disclaimer.

    transcriptome, a row of icilens.transcriptome's predictions, adds the tumour transcriptome's prediction, made
    by transcriptome_model (the bundled one by default).
    """
    explanation = explain_patient(model, patient, scored)
    if scored is None:
        scored = predict_cohort(model, patient).iloc[0]
    row = patient.iloc[0]
    pdf = _report_document()
    pdf.set_title(_plain(f"ICI Lens report, patient {explanation.patient_id}"))
    pdf.add_page()
    _header(pdf, explanation, row, cohort_label, today or dt.date.today())
    _prediction(pdf, explanation, scored, model)
    if transcriptome is not None:
        _one_reading(pdf, explanation, model, transcriptome, transcriptome_model)
    _waterfall(pdf, explanation)
    _drivers(pdf, explanation)
    if transcriptome is not None:
        _transcriptome(pdf, transcriptome, transcriptome_model)
    _inputs(pdf, row, notes or {})
    _about_the_model(pdf, model)
    if transcriptome is not None:
        _about_the_transcriptome_model(pdf, transcriptome_model)
    return bytes(pdf.output())


def _one_reading(pdf, explanation, model, row: pd.Series, transcriptome_model=None) -> None:
    from icilens.transcriptome import load_signature_model  # only for a patient with tumour RNA-seq
    from icilens.transcriptome.reading import read_patient  # likewise
    from icilens.transcriptome.rna_predictions import PROBABILITY  # likewise

    signature_model = transcriptome_model or load_signature_model()
    reading = read_patient(explanation, model.card, row, signature_model)
    if reading is None:
        return
    _section(pdf, "One reading: the clinical and the transcriptome predictions together")
    pdf.set_font(FONT, "B", 16)
    clinical = "not estimable" if explanation.not_estimable else f"{explanation.probability:.0%}"
    rna = row.get(PROBABILITY)
    pdf.cell(90, 9, _plain(f"Clinical: {clinical}"))
    pdf.cell(
        0,
        9,
        _plain(f"Transcriptome: {'not estimable' if pd.isna(rna) else f'{rna:.0%}'}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(FONT, "", 9.5)
    for line in (reading.clinical, reading.transcriptome, reading.verdict):
        pdf.multi_cell(0, 5, _plain(line), new_x="LMARGIN", new_y="NEXT")


def _about_the_transcriptome_model(pdf, transcriptome_model=None) -> None:
    from icilens.transcriptome import load_signature_model  # only for a patient with tumour RNA-seq

    card = (transcriptome_model or load_signature_model()).card
    _section(pdf, "About the transcriptome model, in brief")
    pdf.set_font(FONT, "", 8.5)
    training = card.get("training", {})
    topics = [
        ("What it reads", card.get("inputs", "")),
        (
            "What it learned from",
            f"{training.get('patients', 0)} patients of {len(training.get('cohorts', []))} public cohorts treated "
            f"with checkpoint inhibitors ({training.get('responders', 0)} responders).",
        ),
        ("How well it ranks", " ".join(card.get("verdict", [])[:2])),
        ("Limits", " ".join(card.get("limitations", []))),
    ]
    for item, text in topics:
        pdf.set_font(FONT, "B", 8.5)
        pdf.write(4.4, _plain(f"{item}. "))
        pdf.set_font(FONT, "", 8.5)
        pdf.write(4.4, _plain(text))
        pdf.ln(5.2)


def _report_document():
    """Return an A4 document whose every page ends with the disclaimer and the page number."""
    from fpdf import FPDF  # fpdf2 is needed only when a PDF is built

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-13)
            self.set_font(FONT, "", 7.5)
            self.set_text_color(*GREY)
            self.multi_cell(0, 3.5, _plain(f"{DISCLAIMER}  Page {self.page_no()} of {{nb}}."), align="C")

    document = Report(format="A4")
    for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):
        with as_file(FONTS / name) as path:
            document.add_font(FONT, style, str(path))
    document.set_auto_page_break(auto=True, margin=18)
    return document


def _section(pdf, title: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(*BLUE)
    pdf.cell(0, 7, _plain(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(FONT, "", 9.5)


def _header(pdf, explanation: PatientExplanation, row, cohort_label: str, today: dt.date) -> None:
    pdf.set_font(FONT, "B", 17)
    pdf.cell(0, 9, _fit(pdf, f"ICI Lens – patient {explanation.patient_id}", pdf.epw), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9.5)
    cancer = format_value("cancer_type", row["cancer_type"])
    pdf.multi_cell(
        0,
        5,
        _plain(
            f"Cancer type: {cancer}   Cohort: {cohort_label or 'uploaded cohort'}   Report date: {today.isoformat()}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_fill_color(255, 244, 214)
    pdf.set_font(FONT, "B", 9)
    pdf.multi_cell(0, 5, _plain(DISCLAIMER), fill=True, new_x="LMARGIN", new_y="NEXT")


def _prediction(pdf, explanation: PatientExplanation, scored: pd.Series, model) -> None:
    _section(pdf, "Prediction of objective response (RECIST CR or PR)")
    if explanation.not_estimable:
        pdf.set_font(FONT, "B", 16)
        pdf.cell(0, 9, "Not estimable", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 10)
        lead = (
            f"The clinical prediction is not estimable for this patient: {explanation.not_estimable}. The model's "
            f"output ({explanation.probability:.0%}) is close to its average patient's and is not a prediction. "
        )
    else:
        pdf.set_font(FONT, "B", 22)
        pdf.cell(40, 11, f"{explanation.probability:.0%}")
        pdf.set_font(FONT, "", 10)
        lead = f"About {round(explanation.probability * 100)} of 100 patients like this one respond. "
    pdf.multi_cell(
        0,
        5.5,
        _plain(
            lead
            + describe_range(explanation.range_low, explanation.range_high, _missing_count(scored), model.card)
            + f" Model disagreement {explanation.low:.0%} to {explanation.high:.0%} "
            f"(spread of the {len(model.boosters)}-model ensemble, not a confidence interval)."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    loris = scored[Column.LORIS_PROBABILITY]
    tmb = scored[Column.TMB_HIGH]
    references = [
        "LORIS (Chang et al. 2024), recalibrated to a response probability: "
        + (
            "not computable, one of its six inputs is missing"
            if pd.isna(loris)
            else f"{loris:.0%} (raw score {scored['loris_score']:.2f})"
        ),
        f"TMB ≥ 10 mut/Mb: {'unknown' if pd.isna(tmb) else ('yes' if tmb else 'no')}",
        f"Response rate of the training cohort: {model.card['training']['response_rate']:.0%}",
    ]
    pdf.set_font(FONT, "", 8.5)
    for reference in references:
        pdf.multi_cell(0, 4.4, _plain(reference), new_x="LMARGIN", new_y="NEXT")


def _waterfall(pdf, explanation: PatientExplanation, max_display: int = 10) -> None:
    _section(
        pdf,
        f"Why: from the average patient ({explanation.base_probability:.0%}) to this patient ({explanation.probability:.0%})",
    )
    labels, values = waterfall_bars(explanation)
    points = values * 100
    order = np.argsort(-np.abs(points))
    shown, rest = order[:max_display], order[max_display:]
    bars = [(labels[i], points[i]) for i in shown]
    if len(rest):
        bars.append((f"{len(rest)} other features", float(points[rest].sum())))
    label_width, left = 75, pdf.l_margin
    chart_left, chart_width = left + label_width, pdf.w - pdf.r_margin - left - label_width - 16
    path = np.cumsum([explanation.base_probability * 100, *[v for _, v in bars]])
    low, high = min(path.min(), 0.0), max(path.max(), explanation.probability * 100)
    scale = chart_width / max(high - low, 1e-9)
    y = pdf.get_y() + 1
    running = explanation.base_probability * 100
    pdf.set_font(FONT, "", 8)
    for label, value in bars:
        start, end = running, running + value
        x0, x1 = chart_left + (min(start, end) - low) * scale, chart_left + (max(start, end) - low) * scale
        pdf.set_xy(left, y)
        pdf.cell(label_width - 2, 4.6, _fit(pdf, label, label_width - 2), align="R")
        pdf.set_fill_color(*(RAISE if value >= 0 else LOWER))
        pdf.rect(x0, y + 0.6, max(x1 - x0, 0.3), 3.4, style="F")
        pdf.set_xy(x1 + 1, y)
        pdf.cell(14, 4.6, f"{value:+.1f}" if round(value, 1) else "0.0")
        running, y = end, y + 4.8
    pdf.set_xy(left, y + 1)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        0,
        4,
        _plain(
            "Bars in percentage points: how far each measured input moved this patient's predicted chance away "
            "from the average patient's (SHAP values, scaled so that they add up exactly to the difference)."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0, 0, 0)


def _drivers(pdf, explanation: PatientExplanation) -> None:
    _section(pdf, "Main drivers")
    for sentence in explanation.drivers:
        pdf.multi_cell(0, 5, _plain(f"- {sentence}"), new_x="LMARGIN", new_y="NEXT")
    for note in explanation.notes:
        if note.kind != "missing":
            pdf.multi_cell(0, 5, _plain(f"! {note.text}"), new_x="LMARGIN", new_y="NEXT")


def _transcriptome(pdf, row: pd.Series, model=None) -> None:
    from icilens.transcriptome import load_signature_model  # only for a patient with tumour RNA-seq
    from icilens.transcriptome.rna_predictions import HIGH, LOW, PROBABILITY, REASON  # likewise
    from icilens.transcriptome.wording import (  # likewise
        REPORTED_DESCRIPTORS,
        describe_negative_weights,
        describe_standing,
        describe_transcriptome_drivers,
        describe_transcriptome_model,
        descriptor_table,
        signature_points,
        waterfall_labels,
    )

    _section(pdf, "Tumour transcriptome (RNA-seq)")
    probability = row.get(PROBABILITY)
    if probability is None or pd.isna(probability):
        pdf.multi_cell(
            0,
            5,
            _plain(f"No transcriptome prediction: {row.get(REASON) or 'no expression sample'}."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        return
    model = model or load_signature_model()
    low, high = row[LOW], row[HIGH]
    spread = (
        f"All {len(model.signatures)} signatures were measured."
        if round(low * 100) == round(high * 100)
        else f"Had the missing signatures been measured: {low:.0%} to {high:.0%}."
    )
    pdf.multi_cell(
        0,
        5,
        _plain(
            f"Predicted response from the tumour's RNA: {probability:.0%}. {describe_standing(row, model)} {spread} "
            f"{describe_transcriptome_model(model)}"
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    points = signature_points(row, model)
    for label, value in zip(waterfall_labels(row, model), points, strict=True):
        if not pd.isna(value):
            pdf.multi_cell(0, 4.6, _plain(f"  {label}: {value:+.1f} percentage points"), new_x="LMARGIN", new_y="NEXT")
    for sentence in describe_transcriptome_drivers(row, model):
        pdf.multi_cell(0, 5, _plain(f"- {sentence}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 8)
    if caveat := describe_negative_weights(model):
        pdf.multi_cell(0, 4.2, _plain(caveat), new_x="LMARGIN", new_y="NEXT")
    for item in descriptor_table(row, REPORTED_DESCRIPTORS).itertuples(index=False):
        pdf.multi_cell(
            0,
            4.2,
            # a share of cells already reads "0.1%": its unit is not said twice
            _plain(
                f"  {item.descriptor}: {item.value}{'' if item.value.endswith('%') else f' ({item.unit})'}; {item.level}"
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.set_font(FONT, "", 9.5)


def _inputs(pdf, row, notes: dict[str, str]) -> None:
    _section(pdf, "Inputs")
    pdf.set_font(FONT, "", 8.5)
    widths = (70, 34, 86)
    pdf.set_font(FONT, "B", 8.5)
    for width, title in zip(widths, ("Feature", "Value", "Note"), strict=True):
        pdf.cell(width, 5, title, border="B")
    pdf.ln()
    pdf.set_font(FONT, "", 8.5)
    for field in FEATURES:
        value = row[field]
        note = notes.get(field, "")
        if pd.isna(value):
            note = "not measured: part of the range on page 1"
        pdf.cell(widths[0], 4.6, _fit(pdf, FIELD_BY_NAME[field].label, widths[0]))
        pdf.cell(widths[1], 4.6, _fit(pdf, format_value(field, value), widths[1]))
        pdf.cell(widths[2], 4.6, _fit(pdf, note, widths[2]), new_x="LMARGIN", new_y="NEXT")


def _missing_count(scored: pd.Series) -> int:
    names = scored.get(Column.MISSING)
    return len(names.split(";")) if isinstance(names, str) and names else 0


def _about_the_model(pdf, model) -> None:
    _section(pdf, "About the model, in brief")
    pdf.set_font(FONT, "", 8.5)
    for item, text in describe_model_plainly(model.card):
        pdf.set_font(FONT, "B", 8.5)
        pdf.write(4.4, _plain(f"{item}. "))
        pdf.set_font(FONT, "", 8.5)
        pdf.write(4.4, _plain(text))
        pdf.ln(5.2)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        0,
        4.2,
        _plain(
            f"{model.card['name']}, ICI Lens {__version__}. The full model card, with its methods, is on the Model "
            "page of ICI Lens."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0, 0, 0)


def patient_reports(result, model, predictions: pd.DataFrame, label: str, name_of=None):
    """Yield (file name, callable making the PDF) for every patient of an intake result, in cohort order.

    name_of(patient id) names a patient in the file name (default: its row number only, no id).
    """

    for index, patient_id in enumerate(result.frame["patient_id"].astype(str)):
        patient = result.frame.iloc[[index]]
        notes = input_notes(patient, result.findings, int(result.source_rows.iloc[index]), result.mapping)
        stem = f"_{name_of(patient_id)}" if name_of else ""
        yield (
            f"row_{index + 1:05d}{stem}.pdf",
            partial(build_patient_report, model, patient, predictions.iloc[index], notes, label),
        )
