from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus"


@pytest.fixture(scope="session")
def demo_frame():
    from icilens.datasets import load_demo

    return load_demo()


@pytest.fixture(scope="session")
def default_model():
    from icilens.model import default_model_dir, load_model

    return load_model(default_model_dir())
