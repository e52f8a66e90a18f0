"""Hostile LightGBM text models: each refused with its own reason, none able to end the process that reads it.

The edits below are the ones that aborted the server before (an edited num_leaves, a split on feature 99999,
a huge max_feature_idx) and their neighbours. A fuzz run then mutates the bundled model at random: every
mutation must load as a working model or be refused with a reason, never crash the test process.
"""

import io
import re
import zipfile

import numpy as np
import pytest

from icilens.model import default_model_dir
from icilens.model.isolation import IsolatedParseError, parse_isolated
from icilens.model.text_check import ModelTextError, check_model_text
from icilens.model.zips import BundleError, model_from_zip
from icilens.schema import FEATURES

N = len(FEATURES)
TEXT = (default_model_dir() / "model_00.txt").read_text(encoding="utf-8")


def with_sizes(text: str) -> str:
    """Return text with tree_sizes recomputed, so an edit inside a tree reaches the checks behind the size check."""
    data = text.encode()
    end = data.index(b"\nend of trees\n") + 1
    starts = [m.start() for m in re.finditer(rb"^Tree=\d+$", data[:end], re.MULTILINE)]
    sizes = [b - a for a, b in zip(starts, [*starts[1:], end], strict=True)]
    return re.sub(r"^tree_sizes=.*$", "tree_sizes=" + " ".join(map(str, sizes)), text, count=1, flags=re.MULTILINE)


def edit_tree(index: int, key: str, change) -> str:
    """Return the model with one line of one tree changed by change(values) and the sizes made to agree."""
    block = re.search(rf"^Tree={index}\n.*?\n\n", TEXT, re.MULTILINE | re.DOTALL)
    assert block is not None
    line = re.search(rf"^{key}=(.*)$", block.group(0), re.MULTILINE)
    assert line is not None, f"tree {index} has no {key}"
    new_block = block.group(0).replace(line.group(0), f"{key}={change(line.group(1).split())}", 1)
    return with_sizes(TEXT.replace(block.group(0), new_block, 1))


def first_categorical_tree() -> int:
    return int(re.search(r"^Tree=(\d+)\nnum_leaves=\d+\nnum_cat=[1-9]", TEXT, re.MULTILINE).group(1))


def replace_first(values: list[str], new: str) -> str:
    return " ".join([new, *values[1:]])


CAT = first_categorical_tree()
HOSTILE = {
    "num_leaves edited, sizes kept": (
        TEXT.replace("Tree=3\nnum_leaves=8", "Tree=3\nnum_leaves=2000000000", 1),
        "tree 3 is",
    ),
    "num_leaves edited, sizes agree": (edit_tree(3, "num_leaves", lambda v: "2000000000"), "num_leaves=2000000000"),
    "num_leaves one too many": (
        edit_tree(3, "num_leaves", lambda v: "9"),
        "leaf_value has 8 values where num_leaves asks for 9",
    ),
    "split feature out of range": (edit_tree(5, "split_feature", lambda v: replace_first(v, "99999")), "99999"),
    "negative split feature": (
        edit_tree(5, "split_feature", lambda v: replace_first(v, "-1")),
        "split_feature holds -1",
    ),
    "huge max_feature_idx": (TEXT.replace("max_feature_idx=16", "max_feature_idx=1000000000"), "max_feature_idx"),
    "truncated leaf values": (edit_tree(2, "leaf_value", lambda v: " ".join(v[:-1])), "leaf_value has 7 values"),
    "truncated split thresholds": (edit_tree(2, "threshold", lambda v: " ".join(v[:-2])), "threshold has 5 values"),
    "tree size disagrees": (TEXT.replace("tree_sizes=983 ", "tree_sizes=984 ", 1), "tree 0 is 983 bytes"),
    "NaN threshold": (edit_tree(4, "threshold", lambda v: replace_first(v, "nan")), "threshold is NaN"),
    "infinite leaf value": (edit_tree(4, "leaf_value", lambda v: replace_first(v, "inf")), "leaf_value holds"),
    "text in a count": (edit_tree(4, "leaf_count", lambda v: replace_first(v, "many")), "not a number"),
    "categorical split past its bitsets": (
        edit_tree(CAT, "threshold", lambda v: " ".join("7" if i == 3 else x for i, x in enumerate(v))),
        "points past its 2 bitsets",
    ),
    "infinite categorical threshold": (
        edit_tree(CAT, "threshold", lambda v: " ".join("inf" if i == 3 else x for i, x in enumerate(v))),
        "points past",
    ),
    "bitset boundaries past the bitset": (edit_tree(CAT, "cat_boundaries", lambda v: "0 1 9"), "cat_boundaries"),
    "category bit on a numeric feature": (
        edit_tree(5, "decision_type", lambda v: replace_first(v, "9")),
        "is split as a category",
    ),
    "decision type with no missing rule": (
        edit_tree(5, "decision_type", lambda v: replace_first(v, "14")),
        "outside the whole numbers 0 to 11",
    ),
    "children form a loop": (edit_tree(5, "left_child", lambda v: replace_first(v, "0")), "reached twice"),
    "child past the tree": (edit_tree(5, "right_child", lambda v: replace_first(v, "40")), "right_child holds 40"),
    "NaN weight": (edit_tree(4, "internal_weight", lambda v: replace_first(v, "nan")), "internal_weight holds"),
    "broken parameter line": (TEXT.replace("[boost_from_average: 1]", "[boost_from_average: \n]"), "after the trees"),
    "damaged feature range": (TEXT.replace("[0:153.5]", "[0|153.5]", 1), "neither a [low:high] range"),
    "damaged monotone constraints": (TEXT.replace("monotone_constraints=1 ", "monotone_constraints=7 ", 1), "monotone"),
    "linear tree": (edit_tree(5, "is_linear", lambda v: "1"), "linear tree"),
    "unknown header line": (TEXT.replace("label_index=0\n", "label_index=0\nrun=rm -rf /\n", 1), "unexpected header"),
    "no end of trees": (TEXT.replace("end of trees", "end of tree"), "not a complete LightGBM text model"),
    "too many trees": (TEXT.replace("num_tree_per_iteration=1", "num_tree_per_iteration=3"), "num_tree_per_iteration"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_each_hostile_model_is_refused_with_its_own_reason(case):
    text, reason = HOSTILE[case]
    with pytest.raises(ModelTextError, match=re.escape(reason)):
        check_model_text(text, "upload.zip/model_00.txt", N)


def test_the_reasons_differ_from_case_to_case():
    messages = set()
    for text, _ in HOSTILE.values():
        with pytest.raises(ModelTextError) as caught:
            check_model_text(text, "m.txt", N)
        messages.add(str(caught.value))
    assert len(messages) == len(HOSTILE)


def test_every_bundled_member_passes_the_check_unchanged():
    for path in sorted(default_model_dir().glob("model_*.txt")):
        text = path.read_text(encoding="utf-8")
        assert check_model_text(text, path.name, N) == text


@pytest.mark.slow
def test_a_model_that_aborts_lightgbm_ends_only_the_separate_process():
    crashing = TEXT.replace("Tree=3\nnum_leaves=8", "Tree=3\nnum_leaves=2000000000", 1)
    with pytest.raises(IsolatedParseError, match=r"bad\.txt: .*crashed \(SIGABRT\)"):
        parse_isolated({"good.txt": TEXT, "bad.txt": crashing}, N)
    assert parse_isolated({"good.txt": TEXT}, N) > 0  # and this process goes on


def test_lightgbm_refusals_in_the_separate_process_are_reasons():
    with pytest.raises(IsolatedParseError, match="LightGBM refused the model"):
        parse_isolated({"m.txt": TEXT.replace("max_feature_idx=16", "max_feature_idx=1000000000")}, N)


def _zip(text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("model_00.txt", text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "case", ["num_leaves edited, sizes kept", "split feature out of range", "huge max_feature_idx"]
)
def test_the_uploads_that_used_to_abort_the_server_are_refused(case):
    with pytest.raises(BundleError):
        model_from_zip(_zip(HOSTILE[case][0]), "upload.zip")


TOKENS = ("2000000000", "-1", "99999", "nan", "inf", "-inf", "0", "1e308", "", "4294967296", "3.5", "x", "==")
BYTES = b"0123456789-.e =\nxX|"


def mutations(count: int, seed: int = 23) -> list[str]:
    """Return count random single-byte and single-token mutations of the bundled model (half with sizes fixed)."""
    rng = np.random.default_rng(seed)
    data = TEXT.encode()
    tokens = list(re.finditer(rb"[^\s=]+", data[: data.index(b"end of trees")]))
    out = []
    for k in range(count):
        if k % 2 == 0:
            at = int(rng.integers(len(data)))
            mutated = data[:at] + bytes([BYTES[int(rng.integers(len(BYTES)))]]) + data[at + 1 :]
        else:
            token = tokens[int(rng.integers(len(tokens)))]
            new = TOKENS[int(rng.integers(len(TOKENS)))].encode()
            mutated = data[: token.start()] + new + data[token.end() :]
        text = mutated.decode("utf-8", "replace")
        out.append(with_sizes(text) if k % 4 in (2, 3) and "\nend of trees\n" in text else text)
    return out


@pytest.mark.slow
def test_random_mutations_load_as_working_models_or_are_refused_never_crash(capsys):
    import lightgbm

    outcomes = {"refused by the check": 0, "refused in isolation": 0, "loaded": 0}
    accepted = []
    for text in mutations(400):
        try:
            accepted.append(check_model_text(text, "m.txt", N))
        except ModelTextError:
            outcomes["refused by the check"] += 1
    probe = np.random.default_rng(0).normal(0, 20, size=(50, N))
    for batch in range(0, len(accepted), 50):
        texts = {f"m{batch + i}.txt": t for i, t in enumerate(accepted[batch : batch + 50])}
        try:
            parse_isolated(texts, N)
            survivors = list(texts.values())
        except IsolatedParseError:
            survivors = []
            for place, text in texts.items():
                try:
                    parse_isolated({place: text}, N)
                    survivors.append(text)
                except IsolatedParseError:
                    outcomes["refused in isolation"] += 1
        for text in survivors:  # only what passed both walls is parsed here, in the test's own process
            booster = lightgbm.Booster(model_str=text)
            assert np.isfinite(booster.predict(probe, raw_score=True)).all()
            outcomes["loaded"] += 1
    with capsys.disabled():
        print(f"\nfuzz of 400 mutations: {outcomes}")
    assert sum(outcomes.values()) == 400
    assert outcomes["refused by the check"] > 0 and outcomes["loaded"] > 0


@pytest.mark.parametrize(
    "case", ["num_leaves edited, sizes kept", "split feature out of range", "huge max_feature_idx"]
)
def test_predict_with_a_model_that_used_to_abort_exits_2_with_the_reason(case, tmp_path, capsys):
    from icilens.cli import main
    from tests.conftest import CORPUS

    model = tmp_path / "hostile.zip"
    model.write_bytes(_zip(HOSTILE[case][0]))
    cohort = str(CORPUS / "01_clean_human_headers.csv")
    assert main(["predict", cohort, "--out", str(tmp_path / "out.csv"), "--model", str(model)]) == 2
    assert "hostile.zip/model_00.txt" in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists()
