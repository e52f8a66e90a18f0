"""Header spellings from public sources: each must map to its field, be suggested, or stay unmapped.

`tests/data/headers.csv` lists header spellings as other people write them, with the group they
come from (see `tests/data/README.md`). `expected` is a field (mapped with confidence), `none` (never
mapped: look-alikes, administrative and unrelated columns) or `suggest:FIELD` (offered to the user,
never used by itself: a related measure such as age at diagnosis).
"""

import csv

import pytest

from icilens.intake.headers import read_header
from tests.conftest import CORPUS

HEADERS = list(csv.DictReader((CORPUS.parent / "headers.csv").open(encoding="utf-8")))


def _state(header: str) -> tuple[str, str | None]:
    reading = read_header(header)
    if reading.vetoed or reading.field is None:
        return "none", None
    if reading.confidence >= 90 and not reading.near:
        return "mapped", reading.field
    return "suggested", reading.field


def test_the_corpus_is_large_and_covers_every_group():
    assert len({row["header"] for row in HEADERS}) >= 300
    groups = {row["group"] for row in HEADERS}
    assert {"cbioportal-attribute", "cbioportal-display", "redcap-variable", "redcap-label", "dutch"} <= groups
    assert sum(row["expected"] == "none" for row in HEADERS) >= 60  # look-alikes and unrelated columns


@pytest.mark.parametrize("row", HEADERS, ids=lambda row: f"{row['group']}:{row['header']}")
def test_header_is_read_as_expected(row):
    state, field = _state(row["header"])
    expected = row["expected"]
    if expected == "none":
        assert state == "none", f"{row['header']!r} must not be taken for {field}"
    elif expected.startswith("suggest:"):
        assert (state, field) == ("suggested", expected.removeprefix("suggest:")), read_header(row["header"]).reasons
    else:
        assert (state, field) == ("mapped", expected), read_header(row["header"]).reasons


def test_no_header_is_mapped_to_a_wrong_field():
    wrong = []
    for row in HEADERS:
        state, field = _state(row["header"])
        expected = row["expected"].removeprefix("suggest:")
        if state == "mapped" and field != expected:
            wrong.append((row["header"], field, row["expected"]))
    assert wrong == []
