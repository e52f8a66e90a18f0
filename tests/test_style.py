"""The written style's check catches what a clinician stumbled over, and passes what reads right."""

import pytest

from tests.style import style_problems

STUMBLED_OVER = (
    "None",  # a table cell under "LORIS, recalibrated (%)"
    "q = 1.4e-7",
    "TMB >= 10",
    "0 to 1 fraction 0-1",
    "patient_id",
    "p = 1 / (1 + exp(-(slope * mean_m f_m(x) + intercept)))",
    "LightGBM text files listed under ensemble.files",
    "the central share of them named by the draw level",
    "nan",
    "<NA>",
    "1 patients",
    "0.738 (0.686-0.792)",
    "(95% CI 0.646-0.753)",
    "0 warning · 5 info",
)
READS_RIGHT = (
    "n/a",
    "<0.001",
    "TMB ≥ 10 mut/Mb",
    "0 to 1",
    "Patient",
    "training data SHA-256 `89131f170954969d58f77226f928901fedef9321540bff93250216e431e47774`",
    "Sources: README and benchmarks/transcriptome_loco.py; validation: chowell_test_2018.csv",
    "Nonetheless, the nanny-state of None-of-the-above",
    "0.738 (95% CI 0.686 to 0.792), HLA-I, PD-1/PD-L1",
    "1 patient, 0 warnings, 28 notes, 2.5 patients per site, 41 patient-years",
)


@pytest.mark.parametrize("text", STUMBLED_OVER)
def test_the_check_catches_each_text_quoted_as_stumbled_over(text):
    assert style_problems([text])


@pytest.mark.parametrize("text", READS_RIGHT)
def test_the_check_passes_text_that_reads_right(text):
    assert not style_problems([text])


def test_words_the_user_chose_are_not_judged():
    assert not style_problems(["Cohort: my_export_v2"], allowed=["my_export_v2"])
