"""The bundled MSK immune checkpoint cohort (Chowell et al. 2022), read by the same intake as any file."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from icilens import BUNDLED
from icilens.intake import read_cohort
from icilens.model.storage import file_sha256

TRAINING_FILE = "chowell_train_2015_2017.csv"
DEMO_FILE = "chowell_test_2018.csv"
DEMO_LABEL = "MSK demo cohort, treated in 2018"  # the demo's name wherever a cohort is named
DEMO_DESCRIPTION = "MSK, treated in 2018, 515 patients"  # what the button that opens it says

RNA_DEMO_LABEL = "RNA demo: Gide et al. 2019, melanoma, anti-PD-1"
RNA_DEMO_DESCRIPTION = "41 melanoma patients with tumour RNA-seq (Gide et al. 2019)"
RNA_DEMO_DIR = BUNDLED / "reference_cohorts"


def rna_demo_paths() -> tuple[Path, Path]:
    """Return (clinical file, expression file) of the RNA demo: patients of Gide et al. 2019 with tumour RNA-seq."""
    return RNA_DEMO_DIR / "demo_clinical.csv", RNA_DEMO_DIR / "demo_expression.csv.gz"


# Where and when the bundled patients were treated: the model card's data sources.
MSK_PROVENANCE = {
    "study": (
        "Chowell D. et al., Improved prediction of immune checkpoint blockade efficacy across multiple cancer "
        "types, Nature Biotechnology 40, 499-506 (2022), doi:10.1038/s41587-021-01070-8"
    ),
    "distributed_by": "rootchang/LORIS (GPL-3.0), commit eb87300f2dc6287bdf0e4404e662db0dbd421c4b",
    "centre": "Memorial Sloan Kettering Cancer Center, New York",
    "training": f"{TRAINING_FILE}: patients starting immune checkpoint therapy in 2015-2017",
    "validation": f"{DEMO_FILE}: patients starting immune checkpoint therapy in 2018 (temporal validation)",
    "outcome": "best objective response by RECIST (complete or partial response), assessed by the treating centre",
}


def data_dir() -> Path:
    """Return the folder of the bundled MSK files (ICILENS_DATA_DIR overrides it)."""
    override = os.environ.get("ICILENS_DATA_DIR")
    if override:
        return Path(override)
    return BUNDLED / "msk_icb_2022"


def demo_path() -> Path:
    """Return the path of the demo cohort file (the 2018 patients)."""
    return data_dir() / DEMO_FILE


def training_path() -> Path:
    """Return the path of the training cohort file (the 2015-2017 patients)."""
    return data_dir() / TRAINING_FILE


def provenance_of(sha256: str) -> dict | None:
    """Return the bundled cohort's provenance when a file's SHA-256 is the bundled training file's, else None."""

    return MSK_PROVENANCE if sha256 == file_sha256(training_path()) else None


@lru_cache(maxsize=2)
def _load(file_name: str) -> pd.DataFrame:

    return read_cohort(data_dir() / file_name).frame


def load_demo() -> pd.DataFrame:
    """Return the 515 patients treated in 2018 (the demo and validation cohort), canonical."""
    return _load(DEMO_FILE).copy()


def load_training() -> pd.DataFrame:
    """Return the 964 patients treated in 2015-2017 (the training cohort), canonical."""
    return _load(TRAINING_FILE).copy()
