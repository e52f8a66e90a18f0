"""The types of the data dictionary: a `Field` (what a canonical column means and how exports write it) and
its `Unit`s, the kinds and roles of fields, and how a header or value is normalised before it is compared."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from icilens.vocabulary import FieldKind, FieldRole

SCHEMA_VERSION = "1.1"


NUMERIC, BINARY, CATEGORY = FieldKind.NUMERIC, FieldKind.BINARY, FieldKind.CATEGORY


TIME, EVENT, IDENTIFIER = FieldKind.TIME, FieldKind.EVENT, FieldKind.IDENTIFIER


MODELLED, COMPARED, OUTCOME, ID, SOURCE = (
    FieldRole.MODELLED,
    FieldRole.COMPARED,
    FieldRole.OUTCOME,
    FieldRole.IDENTIFIER,
    FieldRole.SOURCE,
)


NO_YES = ("no", "yes")


@dataclass(frozen=True)
class Unit:
    """One unit a field arrives in: its header spellings and the factor to the canonical unit."""

    name: str
    factor: float  # canonical value = value * factor
    aliases: tuple[str, ...] = ()  # how headers write it ("g/L", "g per l", ...)
    typical: tuple[float, float] | None = None  # where a cohort's reference quantile lies in this unit


def clinical_unit(unit: str) -> str:
    """Return a unit spelled as clinicians write it: powers as superscripts, micro as µ."""
    for plain, written in (("^2", "²"), ("^3", "³"), ("^9", "⁹"), ("uL", "µL"), ("ul", "µL")):
        unit = unit.replace(plain, written)
    return unit


@dataclass(frozen=True)
class Field:
    """One canonical column: meaning, unit, range, and how other people's exports write it."""

    name: str
    label: str
    unit: str
    kind: FieldKind
    role: FieldRole
    description: str
    concepts: tuple[str, ...] = ()  # phrases that name the field in a header
    near: tuple[str, ...] = ()  # phrases for a related measure: suggested, never mapped by themselves
    lookalikes: tuple[str, ...] = ()  # words naming something else: a header with them is never this field
    qualifiers: tuple[str, ...] = ()  # words that may accompany the concept without changing it
    categories: tuple[str, ...] = ()
    codes: tuple[tuple[str, str], ...] = ()  # exact value spelling -> category
    keywords: tuple[tuple[str, str], ...] = ()  # word stem found in free text -> category
    number_codes: tuple[tuple[str, str], ...] = ()  # numeric codes of the bundled MSK data -> category
    combined_label: str = ""  # the category of a value that names several (two drugs: a combination)
    fallback: str = ""  # the category of a readable value outside the known ones ("" = set missing)
    number_codes_are_a_guess: bool = False  # the MSK codes are a convention others may not share: warn
    unclear_words: tuple[str, ...] = ()  # word stems that make a free-text value ambiguous ("metastasis" of ...)
    low: float | None = None
    high: float | None = None
    units: tuple[Unit, ...] = ()  # the first is the canonical unit
    unit_quantile: float = 0.5  # the column quantile compared with each unit's typical range
    derived_from: str = ""
    short_label: str = ""
    whole: bool = False  # only whole numbers are valid (a score in steps); others are set missing, each said  # for crowded axes (interaction matrix); the label when empty

    @property
    def short(self) -> str:
        """Return the short label for crowded charts, or the label."""
        return self.short_label or self.label

    @property
    def display_unit(self) -> str:
        """Return the unit as clinicians write it (10³/µL, kg/m²), for labels; `unit` stays the plain spelling."""
        return clinical_unit(self.unit)

    @property
    def indicator(self) -> bool:
        """Return whether the field is stored as 1/0 (nullable Int8), not as labels: events and yes/no outcomes,
        which metrics count and survival curves read as numbers."""
        return self.kind == FieldKind.EVENT or (self.kind == FieldKind.BINARY and self.role == FieldRole.OUTCOME)

    @property
    def bounds(self) -> tuple[float, float]:
        """Return (low, high) of the plausible range; raises ValueError for a field without one."""
        if self.low is None or self.high is None:
            raise ValueError(f"{self.name} has no plausible range (it is not numeric)")
        return float(self.low), float(self.high)

    @property
    def plausible_range(self) -> str:
        """Return the plausible range as text, or '' for non-numeric fields."""
        if self.low is None:
            return ""
        return f"{self.low:g} to {self.high:g}"

    @property
    def conversions(self) -> tuple[str, ...]:
        """Return, in words, the conversions intake applies to this field."""
        notes = [f"{u.name}: multiplied by {u.factor:g}" for u in self.units[1:]]
        if self.number_codes:
            notes.append(
                "codes " + ", ".join(f"{code} = {label}" for code, label in self.number_codes) + " (MSK coding)"
            )
        if self.derived_from:
            notes.append(f"derived from {self.derived_from} when absent")
        return tuple(notes)


_BRACKETS = re.compile(r"[\(\[\{].*?[\)\]\}]")


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalise_name(text: object) -> str:
    """Return a value reduced to lowercase ASCII words: 'PDL1_TPS(%)' -> 'pdl1 tps'."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    lowered = _BRACKETS.sub(" ", plain.lower().replace("&", " and "))
    return " ".join(_NON_ALNUM.sub(" ", lowered).split())
