"""A package's face: the names it offers the rest of the code, each imported from its module on first use.

Why lazy: the packages are stages, not layers. Training measures the range from missing inputs that
`explain` shows, validation predicts with the model, a patient's words use the predictions. A face that
imported all its modules at once would make importing one module import the others in a circle; a lazy
face imports nothing until a name is asked for, so only the modules' own imports count, and those form no
cycle (tests/test_structure.py holds it).
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable


def lazy_face(package: str, homes: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """Return a package's (__getattr__, __dir__) for homes {name: module of the package that defines it}."""

    def __getattr__(name: str) -> object:
        module = homes.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}; its face is {sorted(homes)}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # the next use is a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted(homes)

    return __getattr__, __dir__
