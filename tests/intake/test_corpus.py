"""Every file of the messy corpus gives the outcome written down for it in expected.json."""

import json
import math

import pandas as pd
import pytest

from icilens.intake import IntakeError, read_cohort
from tests.conftest import CORPUS

EXPECTED = json.loads((CORPUS.parent / "expected.json").read_text())


def test_corpus_is_large_and_complete():
    assert len(EXPECTED) >= 30
    assert sorted(p.name for p in CORPUS.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if not e["ok"]))
def test_unusable_file_raises_one_clear_error(name):
    with pytest.raises(IntakeError) as caught:
        read_cohort(CORPUS / name)
    message = str(caught.value)
    assert EXPECTED[name]["error"] in message
    assert name in message  # the user is told which file


def _check_value(frame: pd.DataFrame, key: str, expected) -> None:
    row, field = key.split(".")
    actual = frame.at[int(row), field]
    if expected is None:
        assert pd.isna(actual), f"{key}: expected missing, got {actual!r}"
    elif isinstance(expected, float):
        assert math.isclose(float(actual), expected, rel_tol=1e-6), f"{key}: {actual!r} != {expected!r}"
    else:
        assert not pd.isna(actual) and actual == expected, f"{key}: {actual!r} != {expected!r}"


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e["ok"]))
def test_usable_file_gives_expected_cohort(name):
    expected = EXPECTED[name]
    result = read_cohort(CORPUS / name)
    frame, findings = result.frame, result.findings
    assert len(frame) == expected["patients"]
    for header, target in expected.get("mapped", {}).items():
        assert result.mapping[header] == target
    for key, value in expected.get("values", {}).items():
        _check_value(frame, key, value)
    for problem in expected.get("findings", []):
        assert findings["problem"].str.contains(problem, regex=False).any(), f"no finding '{problem}' in {name}"
    for problem, count in expected.get("finding_rows", {}).items():
        hits = findings[findings["problem"].str.contains(problem, regex=False)]
        assert len(hits) == count and hits["row"].notna().all()
    for field in expected.get("absent", []):
        assert frame[field].isna().all()
    for header in expected.get("unmapped", []):
        assert header in result.unmapped
    if expected.get("unique_ids"):
        assert frame["patient_id"].is_unique and (frame["patient_id"] != "").all()
    if "header_row" in expected:
        assert result.table.header_row == expected["header_row"]
    if "sheet" in expected:
        assert result.table.sheet == expected["sheet"]
