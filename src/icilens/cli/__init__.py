"""The command line: one module per command (validate, train, predict, report), `main` to run them.

A command raises `UsageError` with a message for the user; `main` prints it and exits with 2.
"""

from icilens.cli.common import EXIT_UNUSABLE, UsageError
from icilens.cli.program import build_parser, main

__all__ = ["EXIT_UNUSABLE", "UsageError", "build_parser", "main"]
