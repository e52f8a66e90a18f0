"""The structure of a LightGBM text model, checked line by line before LightGBM's own parser sees it.

LightGBM's C++ parser trusts its input: a tree whose `num_leaves` disagrees with its arrays, a split on a
feature past `max_feature_idx` or a categorical split past its bitset can abort the whole process. So a
model that did not come with ICI Lens is read here first, as text: the header against the expected
features, every tree's byte size against `tree_sizes`, every array's length against `num_leaves`, every
split's feature, threshold, decision type and children, and every categorical split against its bitset.
What passes is still parsed in a separate, limited process (`isolation`) before the server reads it.
"""

from __future__ import annotations

import itertools
import math
import re

MAX_TREES = 5000  # per text model: far above any sensible boosting run, far below a denial of service
MAX_LEAVES = 131072  # LightGBM's own ceiling for num_leaves
HEADER_KEYS = frozenset(
    {
        "version",
        "num_class",
        "num_tree_per_iteration",
        "label_index",
        "max_feature_idx",
        "objective",
        "average_output",
        "feature_names",
        "monotone_constraints",
        "feature_infos",
        "tree_sizes",
    }
)
SPLIT_ARRAYS = ("split_feature", "split_gain", "threshold", "decision_type", "left_child", "right_child")
INTERNAL_ARRAYS = ("internal_value", "internal_weight", "internal_count")
LEAF_ARRAYS = ("leaf_value", "leaf_weight", "leaf_count")
TREE_KEYS = frozenset(
    {"num_leaves", "num_cat", "cat_boundaries", "cat_threshold", "is_linear", "shrinkage"}
    | set(SPLIT_ARRAYS + INTERNAL_ARRAYS + LEAF_ARRAYS)
)
_TREE_LINE = re.compile(rb"^Tree=(\d+)$", re.MULTILINE)
_INTEGER = re.compile(r"^-?\d{1,10}$")
_NUMBER = r"-?(\d{1,20}(\.\d{1,40})?([eE][-+]?\d{1,3})?|inf)"
_FEATURE_INFO = re.compile(rf"^(none|\[{_NUMBER}:{_NUMBER}\]|-?\d{{1,10}}(:-?\d{{1,10}}){{0,10000}})$")
CATEGORICAL_BIT, MISSING_TYPES = 1, (0, 1, 2)  # decision_type: bit 0 categorical, bits 2-3 missing type


class ModelTextError(ValueError):
    """A LightGBM text model that is damaged or edited; the message names the place and what to do."""


def check_model_text(text: str, where: str, n_features: int) -> str:
    """Return the text of a LightGBM binary model after checking its header and every tree; raise otherwise.

    n_features is the number of features the model must have been trained on.
    """
    data = text.encode("utf-8")
    if not text.startswith("tree\n") or b"\nend of trees\n" not in data:
        raise ModelTextError(
            f"{where} is not a complete LightGBM text model (truncated or edited); "
            "restore the model from its source or train the model again."
        )
    trees_end = data.index(b"\nend of trees\n") + 1
    starts = [m.start() for m in _TREE_LINE.finditer(data, 0, trees_end)]
    header = _header(data[: starts[0] if starts else trees_end].decode("utf-8"), where)
    categorical = _check_header(header, where, n_features, len(starts))
    sizes = [int(s) for s in header["tree_sizes"].split()]
    for index, (start, end) in enumerate(zip(starts, [*starts[1:], trees_end], strict=True)):
        block = data[start:end]
        if len(block) != sizes[index]:
            raise ModelTextError(
                f"{where}: tree {index} is {len(block)} bytes but tree_sizes says {sizes[index]}; the file was "
                "edited. Restore the model from its source or train it again."
            )
        _check_tree(block.decode("utf-8"), index, f"{where}, tree {index}", n_features, categorical)
    _check_trailer(data[trees_end:].decode("utf-8"), where)
    return text


_TRAILER_LINE = re.compile(
    r"^(|end of trees|feature_importances:|[A-Za-z0-9_]{1,200}=\d{1,10}|parameters:|\[[a-z0-9_]{1,60}: [^\[\]]{0,4000}\]"
    r"|end of parameters|pandas_categorical:.*)$"
)


def _check_trailer(part: str, where: str) -> None:
    """Check what follows the trees (importances, parameters, pandas categories) line by line.

    LightGBM parses the parameter lines too, and a broken one ('[seed: ' without its bracket) can crash it.
    """
    for line in part.split("\n"):
        if not _TRAILER_LINE.match(line):
            raise ModelTextError(f"{where}: unexpected line {line[:60]!r} after the trees; the file was edited.")


def _header(part: str, where: str) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in part.splitlines()[1:]:
        if not line:
            continue
        key, _, value = line.partition("=")
        if key not in HEADER_KEYS:
            raise ModelTextError(f"{where}: unexpected header line {line[:60]!r}; this is not a LightGBM text model.")
        if key in header:
            raise ModelTextError(f"{where}: the header sets {key} twice; the file was edited.")
        header[key] = value
    return header


def _check_header(header: dict[str, str], where: str, n_features: int, n_trees: int) -> set[int]:
    """Check the header against the features and the trees; return the indices of categorical features."""
    for key in ("num_class", "num_tree_per_iteration", "max_feature_idx", "feature_names", "feature_infos"):
        if key not in header:
            raise ModelTextError(f"{where}: the header has no {key}; this is not a complete LightGBM text model.")
    expected = {"num_class": 1, "num_tree_per_iteration": 1, "max_feature_idx": n_features - 1}
    for key, wanted in expected.items():
        if header[key] != str(wanted):
            raise ModelTextError(
                f"{where}: {key}={header[key][:30]} where a binary model on {n_features} features has {wanted}."
            )
    for key in ("feature_names", "feature_infos"):
        if len(header[key].split()) != n_features:
            raise ModelTextError(f"{where}: {key} lists {len(header[key].split())} entries, not {n_features}.")
    bad = next((info for info in header["feature_infos"].split() if not _FEATURE_INFO.match(info)), None)
    if bad is not None:  # LightGBM's parser crashes on a damaged range or category list
        raise ModelTextError(f"{where}: feature_infos holds {bad[:40]!r}, neither a [low:high] range nor categories.")
    constraints = header.get("monotone_constraints", " ".join(["0"] * n_features)).split()
    if len(constraints) != n_features or any(c not in ("-1", "0", "1") for c in constraints):
        raise ModelTextError(f"{where}: monotone_constraints must be {n_features} values of -1, 0 or 1.")
    if "tree_sizes" not in header or not re.fullmatch(r"\d{1,9}( \d{1,9})*", header["tree_sizes"]):
        raise ModelTextError(
            f"{where} has no readable tree_sizes line; save it again with LightGBM 3 or newer (save_model)."
        )
    if len(header["tree_sizes"].split()) != n_trees:
        raise ModelTextError(
            f"{where} is not a complete LightGBM text model (truncated or edited): tree_sizes lists "
            f"{len(header['tree_sizes'].split())} trees and the file holds {n_trees}."
        )
    if n_trees == 0 or n_trees > MAX_TREES:
        raise ModelTextError(
            f"{where} has {n_trees} trees; a model has 1 to {MAX_TREES}, so one upload cannot stall the server."
        )
    infos = header["feature_infos"].split()
    return {i for i, info in enumerate(infos) if info != "none" and not info.startswith("[")}


def _check_tree(block: str, index: int, where: str, n_features: int, categorical: set[int]) -> None:
    lines = block.rstrip("\n").split("\n")
    if lines[0] != f"Tree={index}":
        raise ModelTextError(f"{where}: its first line is {lines[0][:30]!r}, not 'Tree={index}'; the file was edited.")
    fields: dict[str, str] = {}
    for line in lines[1:]:
        key, sign, value = line.partition("=")
        if not sign or key not in TREE_KEYS or key in fields:
            raise ModelTextError(f"{where}: unexpected line {line[:60]!r}; the file was edited.")
        fields[key] = value
    leaves = _count(fields, "num_leaves", where, 1, MAX_LEAVES)
    n_cat = _count(fields, "num_cat", where, 0, leaves - 1)
    if fields.get("is_linear", "0") != "0":
        raise ModelTextError(f"{where} is a linear tree; ICI Lens explains ordinary trees only (linear_tree=false).")
    _finite(_numbers(fields, "shrinkage", 1, where), "shrinkage", where)
    _finite(_numbers(fields, "leaf_value", leaves, where), "leaf_value", where)
    if leaves == 1:
        return
    splits = leaves - 1
    for key in SPLIT_ARRAYS + INTERNAL_ARRAYS:
        if key != "threshold":
            _finite(_numbers(fields, key, splits, where), key, where)
    for key in LEAF_ARRAYS[1:]:
        _finite(_numbers(fields, key, leaves, where, required=False), key, where)
    features = _integers(fields, "split_feature", splits, where, 0, n_features - 1)
    decisions = _integers(fields, "decision_type", splits, where, 0, 11)
    thresholds = _numbers(fields, "threshold", splits, where)
    boundaries = _check_categories(fields, n_cat, where)
    for node, (feature, decision, threshold) in enumerate(zip(features, decisions, thresholds, strict=True)):
        if (decision >> 2) & 3 not in MISSING_TYPES:
            raise ModelTextError(f"{where}, split {node}: decision_type {decision} has no valid missing-value rule.")
        if bool(decision & CATEGORICAL_BIT) != (feature in categorical):
            raise ModelTextError(
                f"{where}, split {node}: feature {feature} is split as a "
                f"{'category' if decision & CATEGORICAL_BIT else 'number'}, which its feature_infos contradicts."
            )
        if decision & CATEGORICAL_BIT:
            if not 0 <= threshold < len(boundaries) - 1 or threshold != int(threshold):
                raise ModelTextError(
                    f"{where}, split {node}: categorical threshold {threshold:g} points past its {n_cat} bitsets."
                )
        elif math.isnan(threshold):  # LightGBM itself writes inf when every measured value goes one way
            raise ModelTextError(f"{where}, split {node}: threshold is NaN, which no value can be compared with.")
    _check_children(
        _integers(fields, "left_child", splits, where, -leaves, splits - 1),
        _integers(fields, "right_child", splits, where, -leaves, splits - 1),
        leaves,
        where,
    )


def _check_categories(fields: dict[str, str], n_cat: int, where: str) -> list[int]:
    """Return cat_boundaries after checking that they cut cat_threshold into n_cat bitsets."""
    if n_cat == 0:
        if "cat_boundaries" in fields or "cat_threshold" in fields:
            raise ModelTextError(f"{where}: num_cat=0 but the tree has categorical bitsets; the file was edited.")
        return [0]
    if "cat_threshold" not in fields:
        raise ModelTextError(f"{where}: num_cat={n_cat} but the tree has no cat_threshold; the file was edited.")
    words = _integers(fields, "cat_threshold", None, where, 0, 2**32 - 1)
    boundaries = _integers(fields, "cat_boundaries", n_cat + 1, where, 0, len(words))
    if boundaries[0] != 0 or boundaries[-1] != len(words) or any(b > a for b, a in itertools.pairwise(boundaries)):
        raise ModelTextError(
            f"{where}: cat_boundaries {' '.join(map(str, boundaries[:8]))} do not cut its {len(words)} bitset words "
            "in order; the file was edited."
        )
    return boundaries


def _check_children(left: list[int], right: list[int], leaves: int, where: str) -> None:
    """Check that the splits form one tree from node 0: every node and leaf reached exactly once."""
    seen_nodes, seen_leaves, stack = {0}, set(), [0]
    while stack:
        node = stack.pop()
        for child in (left[node], right[node]):
            if child >= 0:
                if child in seen_nodes:
                    raise ModelTextError(f"{where}: split {child} is reached twice (a loop); the file was edited.")
                seen_nodes.add(child)
                stack.append(child)
            elif ~child in seen_leaves:
                raise ModelTextError(f"{where}: leaf {~child} is reached twice; the file was edited.")
            else:
                seen_leaves.add(~child)
    if len(seen_nodes) != leaves - 1 or len(seen_leaves) != leaves:
        raise ModelTextError(
            f"{where}: {leaves - 1 - len(seen_nodes)} splits and {leaves - len(seen_leaves)} leaves cannot be "
            "reached from the root; the file was edited."
        )


def _count(fields: dict[str, str], key: str, where: str, low: int, high: int) -> int:
    value = fields.get(key, "")
    if not _INTEGER.match(value) or not low <= int(value) <= high:
        raise ModelTextError(f"{where}: {key}={value[:30]} is not a whole number from {low} to {high}.")
    return int(value)


def _values(fields: dict[str, str], key: str, length: int | None, where: str, required: bool = True) -> list[str]:
    if key not in fields:
        if required:
            raise ModelTextError(f"{where} has no {key} line; the file was truncated or edited.")
        return []
    values = fields[key].split()
    if length is not None and len(values) != length:
        raise ModelTextError(f"{where}: {key} has {len(values)} values where num_leaves asks for {length}.")
    return values


def _numbers(fields: dict[str, str], key: str, length: int, where: str, required: bool = True) -> list[float]:
    values = _values(fields, key, length, where, required)
    try:
        return [float(v) for v in values]
    except ValueError as exc:
        raise ModelTextError(f"{where}: {key} holds a value that is not a number ({exc}).") from exc


def _integers(fields: dict[str, str], key: str, length: int | None, where: str, low: int, high: int) -> list[int]:
    values = _values(fields, key, length, where)
    bad = next((v for v in values if not _INTEGER.match(v) or not low <= int(v) <= high), None)
    if bad is not None:
        raise ModelTextError(f"{where}: {key} holds {bad[:30]}, outside the whole numbers {low} to {high}.")
    return [int(v) for v in values]


def _finite(values: list[float], key: str, where: str) -> None:
    if not all(math.isfinite(v) for v in values):
        raise ModelTextError(f"{where}: {key} holds a value that is not a finite number.")
