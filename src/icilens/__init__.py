"""ICI Lens: predict and explain response to immune checkpoint inhibitors. Research use only."""

from pathlib import Path

__version__ = "0.1.0"
# The default model and the bundled cohort are package data, installed with the package.
BUNDLED = Path(__file__).resolve().parent / "bundled"

DISCLAIMER = (
    "Research use only. ICI Lens is not a medical device and must not be used on its own to make treatment decisions."
)
