"""Every page, one table: the load-a-cohort gate, the demo, a reduced cohort, and the session keys it leaves.

To add a page: add its file to `PAGES` in `icilens.ui.navigation`, then one row to `PAGE_TABLE` below
(its file name, and whether it needs a cohort). `test_the_table_lists_every_page` fails until you do, and
the other tests then run the new page through the gate, the demo and the reduced cohort.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from icilens.datasets import RNA_DEMO_LABEL, demo_path
from icilens.intake import read_cohort
from icilens.ui.navigation import PAGES
from icilens.ui.state import KEPT, PREFIX, Choices, Cohort
from tests.conftest import ROOT
from tests.style import displayed_table, page_texts, style_problems, table_texts

# (page file, whether it needs a cohort: the gate shows without one)
PAGE_TABLE = (
    ("cohort", False),
    ("one_patient", False),
    ("patients", True),
    ("patient", True),
    ("explanations", True),
    ("compare", True),
    ("performance", True),
    ("model", False),
)
GATE = "Load a cohort first"
# Columns whose cells are the user's data (ids, the file's own headers and values), not the app's words
DATA_COLUMNS = ("Patient", "column", "value", "column in file", "examples")


def _page(name: str) -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / f"{name}.py"), default_timeout=180)


def _reduced_cohort() -> Cohort:
    """Return 80 demo patients without albumin (a LORIS input), PD-L1 or any outcome: what many exports look like."""
    dropped = ["Albumin", "PDL1_TPS(%)", "Response", "OS_Months", "OS_Event", "PFS_Months", "PFS_Event"]
    data = pd.read_csv(demo_path()).drop(columns=dropped).head(80).to_csv(index=False).encode()
    result = read_cohort(io.BytesIO(data), "reduced.csv")
    return Cohort(result=result, label="reduced.csv", is_demo=False, data=data, choices=Choices())


def _demo_cohort() -> Cohort:
    data = demo_path().read_bytes()
    return Cohort(result=read_cohort(demo_path()), label="demo", is_demo=True, data=data, choices=Choices())


def _rna_demo_cohort() -> Cohort:
    """Return the RNA demo: 41 melanoma patients with two clinical inputs and their tumours' RNA-seq."""
    from icilens.ui.state import rna_demo

    data, result, expression = rna_demo()
    return Cohort(result=result, label=RNA_DEMO_LABEL, is_demo=False, data=data, expression=expression)


def _assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    failures = [e.value for e in at.error if "error id" in e.value.lower() or "went wrong" in e.value.lower()]
    assert not failures


def test_the_table_lists_every_page():
    assert [name for name, _ in PAGE_TABLE] == [name for name, _ in PAGES]
    assert {p.stem for p in (ROOT / "pages").glob("*.py")} == {name for name, _ in PAGE_TABLE}


@pytest.mark.parametrize(("name", "needs_cohort"), PAGE_TABLE)
def test_the_gate_shows_exactly_on_pages_that_need_a_cohort(name, needs_cohort):
    at = _page(name).run()
    _assert_clean(at)
    gated = any(GATE in info.value for info in at.info)
    assert gated == needs_cohort
    if needs_cohort:
        at.button(key="icilens_gate_demo").click().run()
        _assert_clean(at)
        assert not any(GATE in info.value for info in at.info)
        assert at.session_state["icilens_cohort"].is_demo


@pytest.mark.slow
@pytest.mark.parametrize(
    "cohort", [_demo_cohort, _reduced_cohort, _rna_demo_cohort], ids=["demo", "reduced", "rna_demo"]
)
@pytest.mark.parametrize(("name", "needs_cohort"), PAGE_TABLE)
def test_the_page_renders_with_a_cohort(name, needs_cohort, cohort):
    at = _page(name)
    at.session_state["icilens_cohort"] = cohort()
    at.run()
    _assert_clean(at)
    assert not any(GATE in info.value for info in at.info)
    assert at.title, "every page shows its title"
    shown = at.session_state["icilens_cohort"]
    # the file's own headers, offered whole when a column is mapped by hand, are the user's words
    texts = [text for text in rendered_texts(at) if text not in shown.result.mapping]
    assert not style_problems(texts, allowed=[shown.label])


def rendered_texts(at: AppTest) -> list[str]:
    """Return what the page shows as text, its tables' headers and cells included, missing cells as shown."""
    texts = page_texts(at) + page_texts(at.sidebar)
    for element in at.dataframe:
        table = displayed_table(element)
        texts += table_texts(table, DATA_COLUMNS)
        if table.isna().any().any() and not element.proto.placeholder:
            texts.append("None")  # Streamlit's default text for a missing cell
    return texts


@pytest.mark.slow
@pytest.mark.parametrize(("name", "needs_cohort"), PAGE_TABLE)
def test_every_session_key_has_the_prefix_and_clearing_the_cohort_clears_it(name, needs_cohort):
    at = _page(name)
    at.session_state["icilens_cohort"] = _demo_cohort()
    at.run()
    _assert_clean(at)
    keys = set(at.session_state)
    assert keys, "the page keeps at least the cohort"
    # Streamlit names a form's submit button after the form: "FormSubmitter:<form key>-<label>".
    ours = {str(key).removeprefix("FormSubmitter:") for key in keys}
    assert all(key.startswith(PREFIX) for key in ours), sorted(k for k in ours if not k.startswith(PREFIX))

    def clear() -> None:
        from icilens.ui.state import clear_cohort

        clear_cohort()

    cleared = AppTest.from_function(clear, default_timeout=60)
    for key in keys:
        cleared.session_state[key] = at.session_state[key]
    assert set(cleared.session_state) - KEPT, "something of the cohort is there to clear"
    cleared.run()
    assert {key for key in cleared.session_state if not str(key).startswith("FormSubmitter:")} <= KEPT
