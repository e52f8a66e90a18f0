"""ICI Lens entry point: routes to the pages. Research use only."""

from icilens.ui.navigation import build_navigation

build_navigation().run()
