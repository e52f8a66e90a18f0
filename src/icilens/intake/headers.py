"""Reading a header: the words that name a field, its unit and qualifiers set aside, look-alikes that veto it.

A header is read as words (`words.header_words`); how sure the reading is follows from what is left once the
field's concept words, the unit and harmless qualifiers are found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as default
from functools import lru_cache

from rapidfuzz import fuzz, process

from icilens.intake.vocabularies import CATEGORY_LOOKALIKES, NUMERIC_LOOKALIKES
from icilens.intake.words import find_phrase, header_words
from icilens.schema import (
    FIELD_BY_NAME,
    FIELDS,
    NUMERIC,
    TIME,
)

FUZZY_CUTOFF = 86
_THRESHOLD = re.compile(r"[<>≤≥]\s*=?\s*\d")
_REDCAP_CHOICE = re.compile(r"\(choice\s*=", re.IGNORECASE)
_REDCAP_SYSTEM = re.compile(r"^(redcap_\w+|\w+_complete|\w+_timestamp)$")
_REDCAP_CHECKBOX = re.compile(r"^(?P<base>\w+?)___(?P<choice>\w+)$")


# Words that say when or how a value was taken, not what it is.
GENERIC_QUALIFIERS = (
    "baseline", "bl", "pre", "pretreatment", "pre treatment", "prior to treatment", "before treatment",
    "prior to ici", "before ici", "pre ici", "at ici start", "at start of ici", "at ici", "at start",
    "at baseline", "at treatment start", "at start of treatment", "at immunotherapy start", "ici start",
    "start of ici", "ici", "immunotherapy", "serum", "plasma", "level", "levels", "value", "values", "val",
    "result", "results", "status", "patient", "the", "of", "at", "in", "on", "for", "lab", "labs",
    "laboratory", "measured", "measurement", "latest", "last", "first", "initial", "screening", "c1d1",
    "cycle 1", "day 1", "clinical", "abs", "absolute", "count", "number", "data", "info", "variable", "var",
    "recorded", "reported", "observed", "de", "la", "le", "du", "del", "der", "die", "het", "van",
    "von", "bij start", "v1", "visit 1", "raw", "coded", "num", "txt", "text", "at last follow up",
    "last follow up", "at last contact", "y per n", "yes per no", "0 per 1", "1 per 0", "j per n",
    "m per f", "f per m", "male per female", "female per male", "therapy start", "at therapy start", "treatment start", "at treatment start", "start of therapy",
)  # fmt: skip


@dataclass
class HeaderReading:
    """What the header's words say, before the values are looked at."""

    field: str | None = None
    confidence: int = 0
    reasons: list[str] = default(default_factory=list)
    unit: str | None = None
    near: bool = False
    vetoed: bool = False


@lru_cache(maxsize=1)
def _phrases() -> dict[str, dict[str, list[tuple[str, ...]]]]:
    """Return every field's phrases as word tuples: concepts, near, lookalikes, qualifiers, units."""
    out: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    for spec in FIELDS:
        lookalikes = spec.lookalikes + (NUMERIC_LOOKALIKES if spec.kind in (NUMERIC, TIME) else CATEGORY_LOOKALIKES)
        out[spec.name] = {
            "concepts": _word_tuples((spec.name.replace("_", " "), spec.label, *spec.concepts)),
            "near": _word_tuples(spec.near),
            "lookalikes": _word_tuples(lookalikes),
            "qualifiers": _word_tuples((*spec.qualifiers, *GENERIC_QUALIFIERS)),
        }
    return out


@lru_cache(maxsize=1)
def _unit_phrases() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Return every field's unit spellings as (words, unit name), longest first; 'g/dL' also as 'gdl'."""
    out = {}
    for spec in FIELDS:
        spellings = []
        for unit in spec.units:
            words = _word_tuples((unit.name, *unit.aliases))
            compact = {("".join(w for w in phrase if w != "per"),) for phrase in words if len(phrase) > 1}
            spellings += [(phrase, unit.name) for phrase in {*words, *compact}]
        out[spec.name] = sorted(spellings, key=lambda pair: len(pair[0]), reverse=True)
    return out


def _word_tuples(phrases) -> list[tuple[str, ...]]:
    tuples = {header_words(p) for p in phrases} - {()}
    return sorted(tuples, key=len, reverse=True)


@lru_cache(maxsize=1)
def _generic_qualifiers() -> list[tuple[str, ...]]:
    return _word_tuples(GENERIC_QUALIFIERS)


@lru_cache(maxsize=1)
def _fuzzy_choices() -> tuple[list[str], list[str]]:
    texts, owners = [], []
    for name, phrases in _phrases().items():
        for concept in phrases["concepts"]:
            if len(" ".join(concept)) >= 5:  # short codes (hb, os, alb) only ever match exactly
                texts.append(" ".join(concept))
                owners.append(name)
    return texts, owners


def _remove(words: tuple[str, ...], phrases: list[tuple[str, ...]]) -> tuple[tuple[str, ...], list[str]]:
    """Return words without every phrase found in them (longest first), and the phrases removed."""
    removed = []
    for phrase in phrases:
        while (start := find_phrase(words, phrase)) >= 0:
            words = words[:start] + words[start + len(phrase) :]
            removed.append(" ".join(phrase))
    return words, removed


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, list[tuple[tuple[str, ...], str, bool]]]:
    """Return every concept and near phrase by its first word: (phrase, field, near)."""
    index: dict[str, list[tuple[tuple[str, ...], str, bool]]] = {}
    for name, phrases in _phrases().items():
        for kind in ("near", "concepts"):
            for phrase in phrases[kind]:
                index.setdefault(phrase[0], []).append((phrase, name, kind == "near"))
    return index


def _best_hits(words: tuple[str, ...]) -> list[tuple[int, str, tuple[str, ...], bool]]:
    """Return the longest concept or near phrase of each field found in words: (length, field, phrase, near)."""
    best: dict[str, tuple[int, str, tuple[str, ...], bool]] = {}
    index = _phrase_index()
    for start, word in enumerate(words):
        for phrase, name, near in index.get(word, ()):
            if words[start : start + len(phrase)] != phrase:
                continue
            current = best.get(name)
            if current is None or len(phrase) > current[0] or (len(phrase) == current[0] and near):
                best[name] = (len(phrase), name, phrase, near)
    return sorted(best.values(), key=lambda hit: -hit[0])


def read_header(header: str) -> HeaderReading:
    """Return what a header's words say it is: a field with a confidence and reasons, or nothing."""
    cached = _read_header(header)
    return HeaderReading(cached.field, cached.confidence, list(cached.reasons), cached.unit, cached.near, cached.vetoed)


@lru_cache(maxsize=16384)
def _read_header(header: str) -> HeaderReading:
    words = header_words(header)
    if not words:
        return HeaderReading(reasons=["no words in the header"])
    redcap = _redcap_reason(header)
    if redcap:
        return HeaderReading(reasons=[redcap], vetoed=True)
    threshold = _THRESHOLD.search(header)
    if threshold:
        return HeaderReading(
            reasons=[f"'{threshold.group(0)}' marks a yes/no indicator, not a measurement"], vetoed=True
        )
    core, _ = _remove(words, _generic_qualifiers())
    phrases_only, _ = _remove(words, [q for q in _generic_qualifiers() if len(q) > 1])
    hits = _best_hits(core) or _best_hits(phrases_only)
    whole = _best_hits(words)
    if not hits or (whole and whole[0][0] > hits[0][0]):
        hits = whole  # "overall survival status" is more than "overall survival" with a qualifier
    if not hits:
        return _fuzzy_reading(core or words)
    length, name, phrase, near = hits[0]
    rivals = [h for h in hits[1:] if h[0] == length and h[1] != name]
    if rivals:
        named = ", ".join(FIELD_BY_NAME[n].label for n in (name, *(h[1] for h in rivals)))
        return HeaderReading(reasons=[f"the header names more than one field ({named})"], vetoed=True)
    return _explain_hit(name, phrase, near, words)


def _explain_hit(name: str, phrase: tuple[str, ...], near: bool, words: tuple[str, ...]) -> HeaderReading:
    phrases = _phrases()[name]
    start = find_phrase(words, phrase)
    rest = words[:start] + words[start + len(phrase) :]
    matched = " ".join(phrase)
    label = FIELD_BY_NAME[name].label
    rest, units = _remove_unit(name, rest)
    units = units or _remove_unit(name, phrase)[1]  # "os months" names the field and its unit
    lookalikes = [
        " ".join(p) for p in phrases["lookalikes"] if find_phrase(words, p) >= 0 and " ".join(p) not in matched
    ]
    if lookalikes:
        return HeaderReading(
            field=name,
            reasons=[f"'{lookalikes[0]}' marks a different measure than {label} (a look-alike)"],
            vetoed=True,
        )
    rest, qualifiers = _remove(rest, phrases["qualifiers"])
    rest, _ = _remove(rest, phrases["concepts"])  # "tmb mut/Mb" names TMB twice
    others = [h for h in _best_hits(rest) if h[1] != name]
    if others:
        other = FIELD_BY_NAME[others[0][1]].label
        return HeaderReading(reasons=[f"the header names both {label} and {other}"], vetoed=True)
    reasons = [f"header words '{matched}' name {label}"]
    if units:
        reasons.append(f"unit {units[0]} from the header")
    if qualifiers:
        reasons.append(
            "qualifier" + ("s" if len(qualifiers) > 1 else "") + " '" + "', '".join(qualifiers) + "' set aside"
        )
    confidence = 100 if not (qualifiers or units) else 97
    if name == "patient_id" and {"sample", "specimen", "barcode"} & set(phrase):
        confidence = 92  # a sample id stands in for the patient id only when no patient id is found
        reasons[0] = f"header words '{matched}' name a sample id, used as the patient id"
    if rest:
        confidence = max(60, 85 - 10 * len(rest))
        reasons.append(f"words not understood: '{' '.join(rest)}'")
    if near:
        confidence = min(confidence, 70)
        reasons[0] = f"header words '{matched}' name a measure close to {label}, not the same"
    return HeaderReading(
        field=name, confidence=confidence, reasons=reasons, unit=units[0] if units else None, near=near
    )


def _remove_unit(name: str, words: tuple[str, ...]) -> tuple[tuple[str, ...], list[str]]:
    """Return words without the field's unit, and the unit's name when the header gives one."""
    for phrase, unit in _unit_phrases()[name]:  # longest first: the first found is the best
        start = find_phrase(words, phrase)
        if start >= 0:
            return words[:start] + words[start + len(phrase) :], [unit]
    return words, []


def _fuzzy_reading(words: tuple[str, ...]) -> HeaderReading:
    text = " ".join(words)
    compact = text.replace(" ", "")
    texts, owners = _fuzzy_choices()
    for index, concept in enumerate(texts):
        if concept.replace(" ", "") == compact:
            return HeaderReading(
                field=owners[index], confidence=95, reasons=[f"header '{text}' is '{concept}' run together"]
            )
    found = process.extractOne(text, texts, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if found is None:
        return HeaderReading(reasons=["no field of the data dictionary is named in the header"])
    concept, score, index = found
    name = owners[index]
    if any(len(w) <= 3 and w not in concept.split() for w in words):
        return HeaderReading(reasons=[f"header '{text}' is spelled like '{concept}' but a short code differs"])
    return HeaderReading(
        field=name,
        confidence=min(80, int(score) - 10),
        reasons=[f"header '{text}' is spelled like '{concept}' ({score:.0f}% alike), {FIELD_BY_NAME[name].label}"],
    )


def match_header(header: object) -> str | None:
    """Return the field a header alone names with confidence ('TMB (mut/Mb)' -> 'tmb'), or None."""
    reading = read_header(str(header))
    return reading.field if reading.confidence >= 90 and not reading.near and not reading.vetoed else None


def count_known_headers(row: Sequence[object]) -> int:
    """Return how many cells of a row read as headers of known fields."""
    return sum(match_header(cell) is not None for cell in row if str(cell).strip())


def suggest_mapping(headers: list[str]) -> dict[str, str | None]:
    """Return {header: field or None} from the headers alone; each field taken by its first header."""
    mapping: dict[str, str | None] = {}
    taken: set[str] = set()
    for header in headers:
        name = match_header(header)
        mapping[header] = name if name and name not in taken else None
        taken |= {name} if name else set()
    return mapping


def _redcap_reason(header: str) -> str:
    if _REDCAP_CHOICE.search(header):
        return (
            "REDCap checkbox (one choice of a question, Checked/Unchecked): an unticked choice does not say no "
            "to the field, so it is not used; map it by hand if it is the whole field"
        )
    if _REDCAP_SYSTEM.match(header):
        return "REDCap system column (events, repeats, form status): not patient data"
    checkbox = _REDCAP_CHECKBOX.match(header)
    if checkbox:
        return (
            f"REDCap checkbox: choice {checkbox['choice']} of '{checkbox['base']}'; what the choice means is in the "
            "project's data dictionary, so map it by hand when it is one of the fields"
        )
    return ""
