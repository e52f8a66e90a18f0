"""A non-editable install carries the model and the data: package data is declared for every bundled file."""

import fnmatch
import tomllib

from icilens import BUNDLED
from icilens.datasets import data_dir
from icilens.model import default_model_dir
from tests.conftest import ROOT


def test_every_bundled_file_is_declared_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["icilens"]
    package = ROOT / "src" / "icilens"
    files = [p.relative_to(package).as_posix() for p in (package / "bundled").rglob("*") if p.is_file()]
    assert len(files) >= 15  # ten model files, the card, two cohorts, their README and licence
    assert [f for f in files if not any(fnmatch.fnmatch(f, pattern) for pattern in patterns)] == []


def test_the_model_and_the_data_are_found_inside_the_package():
    assert default_model_dir().parent == BUNDLED == data_dir().parent
    assert BUNDLED.parent == ROOT / "src" / "icilens"


def test_the_package_declares_what_it_imports():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    requirements = config["project"]["dependencies"] + config["project"]["optional-dependencies"]["cluster"]
    declared = {d.split(">")[0].split("=")[0].strip().lower() for d in requirements}
    pinned = {
        line.split("==")[0].strip().lower()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    }
    tools = {
        "pytest",
        "pytest-xdist",
        "execnet",
        "pypdf",
        "pypdfium2",
        "statsmodels",
        "playwright",
        "ruff",
        "mypy",
        "uv",
    }
    assert declared == pinned - tools
