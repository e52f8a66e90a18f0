"""Exact TreeSHAP for LightGBM ensembles, fast on large cohorts.

A tree's path-dependent SHAP values for a row depend only on which way the row goes at each of
the tree's split nodes. Rows of a cohort fall into few such decision patterns per small tree, so
SHAP is computed by LightGBM for one representative row per pattern and copied to the others:
the same numbers as `predict(pred_contrib=True)`, several times faster on thousands of patients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_SPLITS = 62  # decision patterns are packed into one int64 per row


@dataclass(frozen=True)
class _Split:
    feature: int
    threshold: float | None  # numerical splits
    categories: frozenset[int] | None  # categorical splits: codes that go left
    default_left: bool
    missing_type: str


def _splits(tree: dict) -> list[_Split]:
    found: list[_Split] = []

    def walk(node: dict) -> None:
        if "split_index" not in node:
            return
        categorical = node["decision_type"] == "=="
        found.append(
            _Split(
                feature=node["split_feature"],
                threshold=None if categorical else float(node["threshold"]),
                categories=frozenset(int(c) for c in str(node["threshold"]).split("||")) if categorical else None,
                default_left=bool(node["default_left"]),
                missing_type=node["missing_type"],
            )
        )
        walk(node["left_child"])
        walk(node["right_child"])

    walk(tree["tree_structure"])
    return found


def _goes_left(split: _Split, values: np.ndarray) -> np.ndarray:
    """Return LightGBM's decision for every row at one split (mirrors its C++ decision rules)."""
    if split.categories is not None:
        missing = np.isnan(values) | (values < 0)
        codes = np.where(missing, 0, values).astype(np.int64)
        goes_left = np.zeros(max(max(split.categories), int(codes.max(initial=0))) + 1, dtype=bool)
        goes_left[list(split.categories)] = True
        return ~missing & goes_left[codes]
    if split.missing_type == "NaN":
        to_default = np.isnan(values)
    else:  # LightGBM reads NaN as 0 when the feature had no missing values in training
        values = np.nan_to_num(values, nan=0.0)
        to_default = np.abs(values) <= 1e-35 if split.missing_type == "Zero" else np.zeros(len(values), dtype=bool)
    return np.where(to_default, split.default_left, values <= split.threshold)


def _group_patterns(pattern: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Return (first row of each distinct pattern, pattern group of every row) without sorting."""
    if bits > 20:
        _, first, inverse = np.unique(pattern, return_index=True, return_inverse=True)
        return first, inverse
    first_row = np.full(1 << bits, -1, dtype=np.int64)
    first_row[pattern[::-1]] = np.arange(len(pattern) - 1, -1, -1)  # the earliest row wins
    codes = np.flatnonzero(first_row >= 0)
    group_of_code = np.empty(1 << bits, dtype=np.int64)
    group_of_code[codes] = np.arange(len(codes))
    return first_row[codes], group_of_code[pattern]


class TreeExplainer:
    """Exact SHAP values (log-odds) for a list of LightGBM boosters averaged as one ensemble."""

    def __init__(self, boosters: list) -> None:
        if not boosters:
            raise ValueError("TreeExplainer needs at least one booster")
        self.boosters = boosters
        self._trees = [[_splits(tree) for tree in b.dump_model()["tree_info"]] for b in boosters]

    def shap_values(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """Return (base value, rows x features SHAP matrix); base + row sum = mean raw output."""
        n_rows, n_features = x.shape
        # Feature-major so that adding one feature's contributions touches contiguous memory.
        total = np.zeros((n_features + 1, n_rows))
        for booster, trees in zip(self.boosters, self._trees, strict=True):
            for index, splits in enumerate(trees):
                self._add_tree(booster, index, splits, x, total)
        total /= len(self.boosters)
        base = float(total[-1, 0]) if n_rows else 0.0
        return base, total[:-1].T

    @staticmethod
    def _add_tree(booster, index: int, splits: list[_Split], x: np.ndarray, total: np.ndarray) -> None:
        if len(x) == 0:
            return
        if len(splits) > MAX_SPLITS:
            total += booster.predict(x, pred_contrib=True, start_iteration=index, num_iteration=1).T
            return
        pattern = np.zeros(len(x), dtype=np.int64)
        for bit, split in enumerate(splits):
            pattern |= _goes_left(split, x[:, split.feature]).astype(np.int64) << bit
        first, inverse = _group_patterns(pattern, len(splits))
        contributions = booster.predict(x[first], pred_contrib=True, start_iteration=index, num_iteration=1)
        for column in [*sorted({s.feature for s in splits}), total.shape[0] - 1]:
            total[column] += contributions[inverse, column]
