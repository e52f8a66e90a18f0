"""The model card in plain words, for the patient report's second page and the cohort report."""

from __future__ import annotations

from icilens.training.evaluation import describe_calibration
from icilens.vocabulary import Score


def describe_model_plainly(card: dict) -> list[tuple[str, str]]:
    """Return what a tumour board needs to know of a model card, as (topic, plain sentences): no formula, no files."""
    training, sources = card["training"], card.get("data_sources", {})
    who = str(sources.get("training", "")).partition(": ")[2] or "patients of the cohort it was trained on"
    centre = f" at {sources['centre']}" if "centre" in sources else ""
    learned = (
        f"{training['patients']} {who}{centre}; {training['response_rate']:.0%} had an objective response."
        if training.get("patients")
        else "Not recorded: the model came without a description of its training patients."
    )
    return [
        ("What it estimates", card["intended_use"]),
        ("What it learned from", learned),
        ("How well it ranks patients it had not seen", _ranking_in_words(card.get("validation") or {})),
        ("How far to read the percentage as a chance", describe_calibration(card)),
        (
            "Missing inputs",
            "A missing value is never read as normal or as zero: the model follows what it learned for patients "
            "without that value, and the range on page 1 shows where the prediction could move had it been measured.",
        ),
        ("Limits", _first_sentences(" ".join(card.get("limitations", ["Not recorded."])), most=3)),
        ("Before clinical use", card.get("next_validation", "Validation at the user's own centre.")),
    ]


def _ranking_in_words(validation: dict) -> str:
    overall = validation.get("overall", {})
    model, loris = overall.get(Score.MODEL, {}).get("roc_auc"), overall.get(Score.LORIS, {}).get("roc_auc")
    if not model:
        return "It has no validation on patients it did not see: judge it on the Model page before relying on it."
    sentence = (
        f"Given one responder and one non-responder from {validation['patients']} patients it did not see, it gave "
        f"the responder the higher chance {model[0]:.0%} of the time (ROC AUC {model[0]:.2f}, 95% CI {model[1]:.2f} "
        f"to {model[2]:.2f}; 50% is a coin toss)."
    )
    difference = validation.get("auc_difference_vs_loris")
    if loris and difference:
        verdict = (
            "a difference within what chance allows"
            if difference[1] <= 0 <= difference[2]
            else ("better than LORIS" if difference[1] > 0 else "worse than LORIS")
        )
        sentence += f" LORIS, a published score, did so {loris[0]:.0%} of the time: {verdict}."
    return sentence


def _first_sentences(text: str, most: int = 2) -> str:
    """Return the first sentences of a text: the report stays short, the Model page has them all."""
    sentences = text.split(". ")
    return text if len(sentences) <= most else ". ".join(sentences[:most]) + "."
