import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus"


def _scan_installed_components_once() -> None:
    """Make Streamlit's scan of installed packages for components run once per test process.

    A server scans once when it starts; AppTest scans again for every app it runs, reading the metadata of every
    installed package (0.8 s of a 1 s page test). The installed packages do not change while the tests run.
    """
    from streamlit.components.v2 import manifest_scanner

    manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


_scan_installed_components_once()


@pytest.fixture(scope="session")
def demo_frame():
    from icilens.datasets import load_demo

    return load_demo()


@pytest.fixture(scope="session")
def default_model():
    from icilens.model import default_model_dir, load_model

    return load_model(default_model_dir())
