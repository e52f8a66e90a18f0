"""Model zips: a round trip keeps the model exactly; damaged or hostile zips are refused with a reason."""

import io
import json
import pickle
import zipfile

import numpy as np
import pytest

from icilens.model import zips as bundle
from icilens.model.zips import BundleError, model_from_zip, model_to_zip


def _zip(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def files(default_model):
    with zipfile.ZipFile(io.BytesIO(model_to_zip(default_model))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.slow
def test_a_round_trip_keeps_every_model_file_and_prediction(default_model, demo_frame):
    loaded = model_from_zip(model_to_zip(default_model))
    assert [b.model_to_string() for b in loaded.boosters] == [b.model_to_string() for b in default_model.boosters]
    assert np.array_equal(loaded.predict(demo_frame).probability, default_model.predict(demo_frame).probability)
    base, shap = loaded.explain(demo_frame.head(20))
    assert np.allclose(base + shap.sum(axis=1), loaded.predict(demo_frame.head(20)).model_output, atol=1e-9)


def test_lightgbm_models_trained_elsewhere_load_without_a_card(files, demo_frame):
    loaded = model_from_zip(_zip({"model.txt": files["model_00.txt"]}), "theirs.zip")
    assert loaded.card["name"] == "Uploaded LightGBM model (theirs.zip)" and len(loaded.boosters) == 1
    assert loaded.card["calibration"] == {
        "method": "none: the raw output is read as log-odds",
        "slope": 1.0,
        "intercept": 0.0,
    }
    assert loaded.predict(demo_frame.head(5)).probability.min() > 0


def _text(files) -> str:
    return files["model_00.txt"].decode()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda f: _zip({"model_00.txt": _text(f)[: len(_text(f)) // 2]}), "not a complete LightGBM text model"),
        (
            lambda f: _zip({"model_00.txt": _text(f).replace("feature_names=tmb ", "feature_names=tumour_burden ")}),
            "was trained on the features tumour_burden",
        ),
        (lambda f: _zip({"model.pkl": pickle.dumps({"a": 1})}), "holds no code and no pickle"),
        (lambda f: _zip({"model_00.txt": pickle.dumps(object)}), "is not text"),
        (
            lambda f: _zip({"model_00.txt": _text(f).replace("objective=binary sigmoid:1", "objective=regression")}),
            "objective",
        ),
        (lambda f: _zip({"../model_00.txt": _text(f)}), "not a plain file name"),
        (lambda f: b"PK\x03\x04 this is not really a zip", "is not a zip file"),
        (lambda f: _zip({"model_card.json": f["model_card.json"]}), "holds no LightGBM text model"),
        (lambda f: _zip({**f, "model_card.json": b"{not json"}), "model_card.json is damaged"),
    ],
)
def test_damaged_or_hostile_zips_are_refused_with_a_reason(files, make, message):
    with pytest.raises(BundleError, match=message):
        model_from_zip(make(files), "upload.zip")


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(files, monkeypatch):
    monkeypatch.setattr(bundle, "MAX_UNPACKED_BYTES", 1_000_000)
    bomb = _zip({"model_00.txt": b"0" * 5_000_000})
    assert len(bomb) < 20_000
    with pytest.raises(BundleError, match="would unpack to 5 MB"):
        model_from_zip(bomb, "bomb.zip")


def test_ten_thousand_trees_are_refused(files):
    text = _text(files)
    header, trees = text.split("\nTree=0\n", 1)
    first_tree = "Tree=0\n" + trees.split("\n\nTree=1\n", 1)[0] + "\n\n"
    many = 10_000
    header = "\n".join(
        f"tree_sizes={' '.join(['1'] * many)}" if line.startswith("tree_sizes=") else line
        for line in header.splitlines()
    )
    body = "".join(first_tree.replace("Tree=0", f"Tree={k}", 1) for k in range(many))
    huge = f"{header}\n{body}end of trees\n"
    with pytest.raises(BundleError, match="has 10000 trees"):
        model_from_zip(_zip({"model_00.txt": huge}), "huge.zip")


def test_a_card_that_lists_other_files_is_refused(files):
    card = json.loads(files["model_card.json"])
    card["ensemble"]["files"] = ["model_00.txt", "model_99.txt"]
    with pytest.raises(BundleError, match="its card lists"):
        model_from_zip(_zip({"model_00.txt": files["model_00.txt"], "model_card.json": json.dumps(card)}))


def _trained_elsewhere(reorder: bool) -> str:
    """Return a LightGBM text model trained the way another group would, on a pandas frame."""
    import lightgbm as lgb
    import pandas as pd

    from icilens.datasets import load_training
    from icilens.model import CATEGORICAL
    from icilens.schema import FEATURES

    training = load_training()
    x = training[list(FEATURES)].copy()
    for column in x.columns:
        if isinstance(x[column].dtype, pd.CategoricalDtype) and column not in CATEGORICAL:
            x[column] = x[column].cat.codes.replace(-1, np.nan).astype(float)
    if reorder:
        x["cancer_type"] = x["cancer_type"].cat.reorder_categories(
            sorted(x["cancer_type"].cat.categories, reverse=True)
        )
    data = lgb.Dataset(x, label=training["response"].astype(int))
    return lgb.train(
        {"objective": "binary", "verbosity": -1, "num_leaves": 4}, data, num_boost_round=10
    ).model_to_string()


def test_a_pandas_trained_model_loads_when_its_category_codes_are_ours(demo_frame):
    loaded = model_from_zip(_zip({"theirs.txt": _trained_elsewhere(reorder=False)}), "theirs.zip")
    assert 0 < loaded.predict(demo_frame.head(5)).probability.max() < 1


def test_a_pandas_trained_model_with_other_category_codes_is_refused():
    with pytest.raises(BundleError, match="codes cancer_type as Sarcoma, SCLC, Renal"):
        model_from_zip(_zip({"theirs.txt": _trained_elsewhere(reorder=True)}), "theirs.zip")


def test_a_model_zip_over_the_limit_is_refused_from_its_size_before_a_byte_is_read(tmp_path):
    import tracemalloc

    from icilens.model import load_model

    huge = tmp_path / "model.zip"
    with huge.open("wb") as handle:
        handle.truncate(2 * 1024**3)  # 2 GB, sparse: nothing is written
    tracemalloc.start()
    with pytest.raises(BundleError, match=r"model\.zip is 2048 MB; a model zip may be at most 50 MB"):
        load_model(huge)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5 * 1024**2


def test_a_model_folder_is_held_to_the_zip_limits_and_checks(files, tmp_path, monkeypatch):
    from icilens.model import load_model

    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert len(load_model(tmp_path).boosters) == 10
    monkeypatch.setattr(bundle, "MAX_UNPACKED_BYTES", 100_000)
    with pytest.raises(BundleError, match="a model holds at most 0 MB"):
        load_model(tmp_path)
    monkeypatch.undo()
    (tmp_path / "model_03.txt").write_text(_text(files).replace("num_leaves=8", "num_leaves=2000000000", 1))
    with pytest.raises(BundleError, match=r"model_03\.txt: tree 0 is 992 bytes but tree_sizes says 983"):
        load_model(tmp_path)
