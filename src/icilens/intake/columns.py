"""Matching a file's column headers to the canonical fields of the data dictionary."""

from __future__ import annotations

from functools import lru_cache

from icilens.schema import FIELDS, normalise_name


def _compact(text: object) -> str:
    return normalise_name(text).replace(" ", "")


@lru_cache(maxsize=1)
def _synonym_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for field in FIELDS:
        for alias in (field.name, field.label, *field.synonyms):
            index.setdefault(_compact(alias), field.name)
    return index


def match_header(header: object) -> str | None:
    """Return the canonical field a header names ('TMB (mut/Mb)' -> 'tmb'), or None."""
    key = _compact(header)
    return _synonym_index().get(key) if key else None


def count_known_headers(row: list[object]) -> int:
    """Return how many cells of a row are headers of known fields."""
    return sum(match_header(cell) is not None for cell in row if str(cell).strip())


def suggest_mapping(headers: list[str]) -> dict[str, str | None]:
    """Return {header: canonical field or None}; each field is taken by its first header only."""
    mapping: dict[str, str | None] = {}
    taken: set[str] = set()
    for header in headers:
        field = match_header(header)
        if field is not None and field not in taken:
            taken.add(field)
            mapping[header] = field
        else:
            mapping[header] = None
    return mapping
