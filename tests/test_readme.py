"""The README's evidence tables are the bundled transcriptome model's card, written by the benchmark."""

import re

from icilens.reports.evidence_tables import evidence_markdown, loco_markdown, selection_markdown
from icilens.transcriptome import load_signature_model
from tests.conftest import ROOT


def _between(name: str) -> str:
    text = (ROOT / "README.md").read_text()
    found = re.search(
        rf"<!-- {name}: written by benchmarks/transcriptome_loco.py -->\n(.*?)\n<!-- {name} end -->", text, re.S
    )
    assert found, f"README.md lacks the {name} markers"
    return found.group(1)


def test_the_readme_tables_are_the_cards():
    card = load_signature_model().card
    assert _between("loco") == loco_markdown(card["validation"]["table"])
    assert _between("evidence") == evidence_markdown(card)
    assert _between("selection") == selection_markdown(card["selection"])


def test_the_readme_shows_the_forest_plots_it_names():
    text = (ROOT / "README.md").read_text()
    for picture in re.findall(r"\]\((assets/evidence/[^)]+\.png)\)", text):
        assert (ROOT / picture).stat().st_size > 10_000, picture
    assert "assets/evidence/forest_os.png" in text
