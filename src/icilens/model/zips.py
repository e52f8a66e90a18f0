"""A model as one zip: LightGBM text files plus model_card.json, checked before anything is parsed.

A zip is data, never code: it may hold only LightGBM text models and one JSON card. Every limit is checked
from the zip's directory before a byte is unpacked, and each text model's structure, features and
objective are checked before LightGBM reads it. A zip without a card (a LightGBM model trained elsewhere on
the canonical features) gets a card that says so, with no calibration and no validation on record.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path, PurePosixPath

from icilens.model.card import CARD_FILE
from icilens.model.encoding import CATEGORICAL
from icilens.model.ensemble import Model, import_lightgbm
from icilens.model.isolation import IsolatedParseError, parse_isolated
from icilens.model.text_check import ModelTextError, check_model_text
from icilens.schema import FEATURES, FIELD_BY_NAME, OTHER_CANCER, SCHEMA_VERSION
from icilens.vocabulary import ModelCard

MAX_FILES = 50
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


class BundleError(ValueError):
    """A model zip that cannot be used; the message says what is wrong and what to do."""


def model_to_zip(model: Model) -> bytes:
    """Return the model as a zip of its LightGBM text files and model_card.json (deterministic bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for booster, name in zip(model.boosters, model.card["ensemble"]["files"], strict=True):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), booster.model_to_string())
        card = json.dumps(model.card, indent=2) + "\n"
        archive.writestr(zipfile.ZipInfo(CARD_FILE, date_time=(2000, 1, 1, 0, 0, 0)), card)
    return buffer.getvalue()


def check_zip_size(size: int, name: str) -> None:
    """Refuse a model zip larger than MAX_ZIP_BYTES, from its size alone (before its bytes are read)."""
    if size > MAX_ZIP_BYTES:
        raise BundleError(f"{name} is {size / 2**20:.0f} MB; a model zip may be at most {MAX_ZIP_BYTES // 2**20} MB.")


def model_from_zip(data: bytes, name: str = "model.zip", isolate: bool = True) -> Model:
    """Return the model in a zip after checking it; raise BundleError naming the problem otherwise.

    With isolate (always, for a zip a user gives), LightGBM first reads the models in a separate, limited
    process, so a file the checks miss can end that process and never the caller's.
    """
    check_zip_size(len(data), name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise BundleError(f"{name} is not a zip file ({exc}); download the model again or zip its folder.") from exc
    _check_entries(entries, name)
    texts = {info.filename: _read_text(archive, info, name) for info in entries}
    return _model_from_texts(texts, name, isolate)


def model_from_folder(directory: Path) -> Model:
    """Return the model in a folder a user names, held to the same checks as a zip (sizes before reading)."""
    files = sorted(p for p in directory.iterdir() if p.is_file() and (p.suffix == ".txt" or p.name == CARD_FILE))
    if CARD_FILE not in {p.name for p in files}:
        raise FileNotFoundError(f"{directory} has no {CARD_FILE}; point to a folder written by 'icilens train'.")
    if len(files) > MAX_FILES:
        raise BundleError(f"{directory} holds {len(files)} model files; a model holds at most {MAX_FILES}.")
    total = sum(p.stat().st_size for p in files)
    if total > MAX_UNPACKED_BYTES:
        raise BundleError(
            f"{directory}: its model files hold {total / 2**20:.0f} MB; a model holds at most "
            f"{MAX_UNPACKED_BYTES // 2**20} MB."
        )
    texts = {}
    for path in files:
        try:
            texts[path.name] = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise BundleError(f"{path} could not be read as text ({exc}); only LightGBM text models are read.") from exc
    return _model_from_texts(texts, str(directory), isolate=True)


def _model_from_texts(texts: dict[str, str], name: str, isolate: bool) -> Model:
    card_text = texts.pop(CARD_FILE, None)
    if not texts:
        raise BundleError(f"{name} holds no LightGBM text model (*.txt); zip the files written by 'icilens train'.")
    models = {file: checked_booster_text(text, f"{name}/{file}") for file, text in sorted(texts.items())}
    card = _card(card_text, list(models), name)
    if isolate:
        parse_in_isolation(models)
    boosters = [import_lightgbm().Booster(model_str=models[file]) for file in card["ensemble"]["files"]]
    return Model(boosters=boosters, card=card)


def _check_entries(entries: list[zipfile.ZipInfo], name: str) -> None:
    if len(entries) > MAX_FILES:
        raise BundleError(f"{name} holds {len(entries)} files; a model zip holds at most {MAX_FILES}.")
    unpacked = sum(info.file_size for info in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise BundleError(
            f"{name} would unpack to {unpacked / 2**20:.0f} MB (a zip bomb?); a model zip unpacks to at most "
            f"{MAX_UNPACKED_BYTES // 2**20} MB."
        )
    for info in entries:
        path = PurePosixPath(info.filename)
        if path.is_absolute() or ".." in path.parts or len(path.parts) != 1:
            raise BundleError(
                f"{name}: {info.filename!r} is not a plain file name; zip the model files without folders."
            )
        if info.filename != CARD_FILE and path.suffix != ".txt":
            raise BundleError(
                f"{name}: {info.filename!r} is neither a LightGBM text model (.txt) nor {CARD_FILE}. A model zip "
                "holds no code and no pickle; save the model with booster.save_model('model.txt')."
            )


def _read_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> str:
    with archive.open(info) as handle:
        data = handle.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise BundleError(f"{name}: {info.filename} is larger than its zip entry says; the zip is damaged.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(
            f"{name}: {info.filename} is not text (a pickle or binary model?); only LightGBM text models are read."
        ) from exc


def parse_in_isolation(models: dict[str, str]) -> None:
    """Have LightGBM read every checked text model in a separate, limited process; raise BundleError if it fails."""
    try:
        parse_isolated(models, len(FEATURES))
    except IsolatedParseError as exc:
        raise BundleError(str(exc)) from exc


def checked_booster_text(text: str, where: str) -> str:
    """Return a text model after checking its structure, objective, features and categories."""
    try:
        checked = check_model_text(text, where, len(FEATURES))
    except ModelTextError as exc:
        raise BundleError(str(exc)) from exc
    header = dict(line.split("=", 1) for line in checked.split("\nTree=", 1)[0].splitlines() if "=" in line)
    if not header.get("objective", "").startswith("binary"):
        raise BundleError(
            f"{where} has objective {header.get('objective', 'unknown')!r}; ICI Lens explains binary response "
            "models (objective=binary)."
        )
    names = header.get("feature_names", "").split()
    if names != list(FEATURES):
        raise BundleError(
            f"{where} was trained on the features {' '.join(names) or '(none)'}; ICI Lens needs exactly "
            f"{' '.join(FEATURES)}, in that order, encoded as its data dictionary says (icilens template)."
        )
    infos = header.get("feature_infos", "").split()
    for feature, info in zip(FEATURES, infos, strict=False):
        categorical = info != "none" and not info.startswith("[")
        if categorical != (feature in CATEGORICAL) and info != "none":
            kind = "a category" if feature in CATEGORICAL else "a number"
            raise BundleError(
                f"{where} treats {feature} as {'a category' if categorical else 'a number'}; it is {kind}."
            )
    _check_category_codes(checked, where)
    return checked


def _check_category_codes(text: str, where: str) -> None:
    """Refuse a model trained on pandas categories in another order: its codes would mean other categories.

    LightGBM stores a pandas-trained model's category lists after the trees; ICI Lens passes codes in the
    data dictionary's order, so each list must begin with that order (a trailing extra such as "Other" is
    never sent and does no harm).
    """
    line = re.search(r"^pandas_categorical:(.*)$", text, re.MULTILINE)
    if line is None or line.group(1).strip() in ("", "null"):
        return
    try:
        stored = json.loads(line.group(1))
    except json.JSONDecodeError as exc:
        raise BundleError(f"{where} has a damaged pandas_categorical line ({exc}).") from exc
    for feature, categories in zip(CATEGORICAL, stored, strict=False):
        ours = [c for c in FIELD_BY_NAME[feature].categories if c != OTHER_CANCER]
        if list(categories)[: len(ours)] != ours:
            raise BundleError(
                f"{where} codes {feature} as {', '.join(map(str, categories))}; ICI Lens codes it as "
                f"{', '.join(ours)}. Retrain with the categories in that order (icilens template)."
            )


def _card(card_text: str | None, files: list[str], name: str) -> ModelCard:
    if card_text is None:
        return {
            "name": f"Uploaded LightGBM model ({name})",
            "schema_version": SCHEMA_VERSION,
            "target": "objective response (RECIST complete or partial response), as the uploader states",
            "features": [
                {
                    "name": f,
                    "label": f,
                    "unit": FIELD_BY_NAME[f].unit,
                    "type": FIELD_BY_NAME[f].kind,
                    "training_missing": 0,
                }
                for f in FEATURES
            ],
            "training": {"source": "not recorded", "patients": 0, "responders": 0, "response_rate": float("nan")},
            "ensemble": {"members": len(files), "files": files, "disagreement": "spread of the uploaded models"},
            "calibration": {"method": "none: the raw output is read as log-odds", "slope": 1.0, "intercept": 0.0},
            "intended_use": "Uploaded without a model card: intended use, data and validation are not on record.",
            "limitations": ["No model card was uploaded: nothing is known of its training data or validation."],
        }
    try:
        card = json.loads(card_text)
        listed = list(card["ensemble"]["files"])
        float(card["calibration"]["slope"]), float(card["calibration"]["intercept"])
        features = [f["name"] for f in card["features"]]
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise BundleError(f"{name}: {CARD_FILE} is damaged ({exc}); download the model again.") from exc
    if features != list(FEATURES):
        raise BundleError(
            f"{name}: its card lists other features ({', '.join(features)}); retrain on the canonical ones."
        )
    if sorted(listed) != sorted(files):
        raise BundleError(f"{name}: its card lists {', '.join(listed)} but the zip holds {', '.join(files)}.")
    return card
