"""The command line: validate, predict, report and train (`python -m icilens --help`)."""

from icilens.cli.commands import build_parser, main

__all__ = ["build_parser", "main"]
