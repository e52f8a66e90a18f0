"""ICI Lens: predict and explain response to immune checkpoint inhibitors. Research use only."""

__version__ = "0.1.0"

DISCLAIMER = (
    "Research use only. ICI Lens is not a medical device and must not be used on its own to make treatment decisions."
)
