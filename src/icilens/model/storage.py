"""Storage: a model as LightGBM text files plus model_card.json, in a folder or a zip; never pickle."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from icilens import BUNDLED
from icilens.model.card import CARD_FILE
from icilens.model.ensemble import Model, import_lightgbm
from icilens.model.zips import check_zip_size, model_from_folder, model_from_zip


def save_model(model: Model, directory: Path | str) -> Path:
    """Write the members as LightGBM text files and the card as JSON; return the directory."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for booster, file_name in zip(model.boosters, model.card["ensemble"]["files"], strict=True):
        (directory / file_name).write_text(booster.model_to_string(), encoding="utf-8")
    (directory / CARD_FILE).write_text(json.dumps(model.card, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    return directory


def load_model(directory: Path | str) -> Model:
    """Return the model stored in a folder or a zip (LightGBM text files plus model_card.json).

    The bundled model is read directly. Any other folder or zip is untrusted: its sizes are checked before
    its bytes are read, its text before LightGBM parses it, and LightGBM reads it first in a separate process.
    """
    directory = Path(directory)
    if directory.is_file() and directory.suffix.lower() == ".zip":
        check_zip_size(directory.stat().st_size, directory.name)
        return model_from_zip(directory.read_bytes(), directory.name)
    if not directory.is_dir():
        raise FileNotFoundError(
            f"{directory} is neither a model folder (LightGBM text files and {CARD_FILE}) nor a .zip; give one "
            "written by 'icilens train'."
        )
    if directory.resolve() != default_model_dir().resolve():
        return model_from_folder(directory)
    card = json.loads((directory / CARD_FILE).read_text(encoding="utf-8"))
    files = list(card["ensemble"]["files"])
    boosters = [import_lightgbm().Booster(model_str=(directory / name).read_text(encoding="utf-8")) for name in files]
    return Model(boosters=boosters, card=card)


def default_model_dir() -> Path:
    """Return the folder of the bundled default model."""
    return BUNDLED / "model"


def file_sha256(path: Path | str) -> str:
    """Return the SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
