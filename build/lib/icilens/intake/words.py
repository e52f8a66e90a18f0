"""Header words: how intake reads a column name before it decides what the column means.

`header_words("tmbMutPerMb (nonsyn.)")` -> ("tmb", "mutations", "per", "mb", "nonsynonymous"). Every
phrase of the data dictionary goes through the same function, so a phrase and a header that mean
the same thing end up as the same words whatever their spelling, case or punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Spellings and abbreviations that mean one word; a value of several words replaces one token.
ALIASES = {
    "tumour": "tumor",
    "tumoral": "tumor",
    "tumors": "tumor",
    "haemoglobin": "hemoglobin",
    "haemoglobine": "hemoglobine",
    "hamoglobin": "hemoglobin",
    "oesophageal": "esophageal",
    "mutational": "mutation",
    "mutations": "mutation",
    "mut": "mutation",
    "muts": "mutation",
    "mutaties": "mutation",
    "mutationen": "mutation",
    "megabase": "mb",
    "megabases": "mb",
    "tx": "therapy",
    "rx": "therapy",
    "trt": "therapy",
    "treated": "therapy",
    "treatment": "therapy",
    "therapies": "therapy",
    "treatments": "therapy",
    "censoring": "censor",
    "censored": "censor",
    "chemo": "chemotherapy",
    "chemotherapie": "chemotherapy",
    "chimiotherapie": "chemotherapy",
    "quimioterapia": "chemotherapy",
    "dx": "diagnosis",
    "diag": "diagnosis",
    "hx": "history",
    "eerdere": "previous",
    "vorherige": "previous",
    "anterieure": "previous",
    "previa": "previous",
    "previo": "previous",
    "pct": "percent",
    "perc": "percent",
    "percentage": "percent",
    "procent": "percent",
    "prozent": "percent",
    "pourcentage": "percent",
    "porcentaje": "percent",
    "yrs": "years",
    "yr": "years",
    "year": "years",
    "jaar": "years",
    "jahre": "years",
    "mos": "months",
    "mo": "months",
    "mths": "months",
    "mnths": "months",
    "month": "months",
    "wks": "weeks",
    "wk": "weeks",
    "week": "weeks",
    "day": "days",
    "lymphs": "lymphocytes",
    "neuts": "neutrophils",
    "neutrophil": "neutrophils",
    "lymphocyte": "lymphocytes",
    "plts": "plt",
    "thrombocyte": "thrombocytes",
    "albumine": "albumin",
    "albumina": "albumin",
    "leeftijd": "age",
    "alter": "age",
    "edad": "age",
    "geslacht": "sex",
    "geschlecht": "sex",
    "sexe": "sex",
    "sexo": "sex",
    "gender": "sex",
    "stadium": "stage",
    "stade": "stage",
    "estadio": "stage",
    "respons": "response",
    "ansprechen": "response",
    "reponse": "response",
    "respuesta": "response",
    "immuno": "immunotherapy",
    "immunotherapie": "immunotherapy",
    "inmunoterapia": "immunotherapy",
    "io": "ici",
    "icb": "ici",
    "icis": "ici",
    "cpi": "ici",
    "inhibitors": "inhibitor",
    "identifier": "id",
    "ident": "id",
    "nummer": "number",
    "numero": "number",
    "nr": "number",
    "num": "number",
    "nb": "number",
    "bij": "at",
    "bei": "at",
    "au": "at",
    "al": "at",
    "lors": "at",
    "beim": "at",
    "begin": "start",
    "beginn": "start",
    "debut": "start",
    "inicio": "start",
    "aanvang": "start",
    "overleving": "survival",
    "uberleben": "survival",
    "survie": "survival",
    "supervivencia": "survival",
    "progressievrije": "progression free",
    "progressionsfreies": "progression free",
    "pts": "patient",
    "pt": "patient",
    "pat": "patient",
    "patients": "patient",
    "patienten": "patient",
    "subj": "subject",
    "therapiebeginn": "therapy start",
    "behandlungsbeginn": "therapy start",
    "traitement": "therapy",
    "tratamiento": "therapy",
    "behandeling": "therapy",
    "behandlung": "therapy",
}

# Adjacent tokens that are one word ("pd l1" -> "pdl1").
MERGES = {
    ("pd", "l1"): "pdl1",
    ("pd", "1"): "pd1",
    ("pdl", "1"): "pdl1",
    ("ctla", "4"): "ctla4",
    ("cd", "274"): "cd274",
    ("non", "small"): "non small",
    ("z", "score"): "zscore",
    ("free", "text"): "freetext",
    ("b", "tmb"): "btmb",
    ("t", "tmb"): "ttmb",
    ("d", "nlr"): "dnlr",
    ("msi", "h"): "msih",
    ("d", "mmr"): "dmmr",
    ("p", "mmr"): "pmmr",
}

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_TOKEN = re.compile(r"[a-z0-9]+(?:\.\d+)?")
_CODING = re.compile(r"[\(\[\{][^\)\]\}]*=[^\)\]\}]*[\)\]\}]")


def plain_text(text: object) -> str:
    """Return text as ASCII with the symbols headers use spelled out (µ -> u, % -> percent, / -> per)."""
    value = str(text).replace("ß", "ss").replace("µ", "u").replace("μ", "u").replace("²", "2").replace("³", "3")
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = value.replace("%", " percent ").replace("/", " per ").replace("&", " and ").replace("#", " number ")
    return value.replace("+", " plus ")


@lru_cache(maxsize=65536)
def header_words(text: object) -> tuple[str, ...]:
    """Return a header or phrase as canonical lowercase words, codings in brackets left out."""
    value = _CODING.sub(" ", str(text))
    value = _CAMEL.sub(" ", plain_text(value)).lower()
    tokens: list[str] = []
    for token in _TOKEN.findall(value):
        tokens.extend(ALIASES.get(token, token).split())
    return _merged(tokens)


def _merged(tokens: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    index = 0
    while index < len(tokens):
        pair = tuple(tokens[index : index + 2])
        if pair in MERGES:
            out.extend(MERGES[pair].split())
            index += 2
        else:
            out.append(tokens[index])
            index += 1
    return tuple(out)


def header_codings(text: object) -> dict[str, str]:
    """Return the value codes a header spells out: 'gender (Male=1, Female=0)' -> {'1': 'Male', '0': 'Female'}."""
    codes: dict[str, str] = {}
    for group in _CODING.findall(str(text)):
        for pair in re.split(r"[,;|]", group[1:-1]):
            if "=" not in pair:
                continue
            left, right = (part.strip() for part in pair.split("=", 1))
            if re.fullmatch(r"-?\d+", left):
                codes[left] = right
            elif re.fullmatch(r"-?\d+", right):
                codes[right] = left
    return codes


def find_phrase(words: tuple[str, ...], phrase: tuple[str, ...]) -> int:
    """Return where phrase starts as consecutive words of words, or -1."""
    size = len(phrase)
    if not size:
        return -1
    for start in range(len(words) - size + 1):
        if words[start : start + size] == phrase:
            return start
    return -1
