"""Comparing groups of patients feature by feature, with tests, effect sizes and q-values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from icilens.analysis.metrics import Z95
from icilens.schema import COMPARED_FIELDS, FEATURES, FIELD_BY_NAME
from icilens.vocabulary import NOT_AVAILABLE, TERTILES, Group, in_reading_order, outcome_of_group, shap_column


def group_by_observed_response(frame: pd.DataFrame) -> pd.Series:
    """Return Group.RESPONDER / Group.NON_RESPONDER per patient (missing when the response is unknown)."""
    return frame["response"].map({1: Group.RESPONDER, 0: Group.NON_RESPONDER}).astype(object)


def group_by_prediction(probability, threshold: float) -> pd.Series:
    """Return Group.PREDICTED_RESPONDER at or above the threshold (0-1), else Group.PREDICTED_NON_RESPONDER."""
    p = pd.Series(np.asarray(probability, dtype="float64"))
    return p.map(lambda v: Group.PREDICTED_RESPONDER if v >= threshold else Group.PREDICTED_NON_RESPONDER).astype(
        object
    )


MOST_GROUPS = 10  # more groups than a palette tells apart, or a reader compares, become "other"
OTHER_GROUP = Group.OTHER


def group_by_field(frame: pd.DataFrame, field: str) -> pd.Series:
    """Return the categories of a categorical field as groups; beyond MOST_GROUPS, the smallest become "other"."""
    if not FIELD_BY_NAME[field].categories:
        raise ValueError(f"{field} is not categorical; group by one of the categorical fields")
    groups = frame[field].astype(object)
    sizes = groups.value_counts()
    if len(sizes) <= MOST_GROUPS:
        return groups
    kept = set(sizes.index[: MOST_GROUPS - 1])
    return groups.where(groups.isin(kept) | groups.isna(), OTHER_GROUP)


def adjust_benjamini_hochberg(p_values) -> np.ndarray:
    """Return Benjamini-Hochberg q-values (NaN p-values stay NaN and do not count)."""
    p = np.asarray(p_values, dtype="float64")
    q = np.full_like(p, np.nan)
    present = np.flatnonzero(~np.isnan(p))
    if len(present) == 0:
        return q
    order = present[np.argsort(p[present])]
    ranked = p[order] * len(present) / np.arange(1, len(present) + 1)
    q[order] = np.minimum(np.minimum.accumulate(ranked[::-1])[::-1], 1.0)
    return q


def cliffs_delta(a, b) -> tuple[float, float, float]:
    """Return Cliff's delta of a against b with a 95% CI (Hanley-McNeil variance of the AUC)."""
    from scipy import stats  # SciPy costs a second at start; only the statistics need it

    a, b = np.asarray(a, dtype="float64"), np.asarray(b, dtype="float64")
    u = stats.mannwhitneyu(a, b, alternative="two-sided").statistic
    auc = u / (len(a) * len(b))
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    variance = (auc * (1 - auc) + (len(a) - 1) * (q1 - auc**2) + (len(b) - 1) * (q2 - auc**2)) / (len(a) * len(b))
    half = Z95 * np.sqrt(max(variance, 0.0))
    low, high = max(auc - half, 0.0), min(auc + half, 1.0)
    return 2 * auc - 1, 2 * low - 1, 2 * high - 1


def odds_ratio(table: np.ndarray) -> tuple[float, float, float]:
    """Return the odds ratio of a 2x2 table [[a, b], [c, d]] with Woolf's 95% CI (0.5 added to empty cells)."""
    table = np.asarray(table, dtype="float64")
    if (table == 0).any():
        table = table + 0.5
    (a, b), (c, d) = table
    log_or = np.log(a * d / (b * c))
    half = Z95 * np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return float(np.exp(log_or)), float(np.exp(log_or - half)), float(np.exp(log_or + half))


def _numeric_row(values: pd.Series, groups: pd.Series, labels: list) -> dict:
    from scipy import stats  # SciPy costs a second at start; only the statistics need it

    samples = [values[groups == label].dropna().to_numpy(dtype="float64") for label in labels]
    decimals = _decimals(values.dropna().to_numpy(dtype="float64"), samples)
    row = {f"{label}": _median_iqr(sample, decimals) for label, sample in zip(labels, samples, strict=True)}
    if any(len(sample) < 2 for sample in samples):
        return row | {"test": "too few values", "p": np.nan}
    if len(labels) == 2:
        p = stats.mannwhitneyu(samples[0], samples[1], alternative="two-sided").pvalue
        delta, low, high = cliffs_delta(samples[0], samples[1])
        return row | {
            "test": "Mann-Whitney U",
            "p": p,
            "effect": "Cliff's delta",
            "estimate": delta,
            "ci_low": low,
            "ci_high": high,
        }
    return row | {"test": "Kruskal-Wallis", "p": stats.kruskal(*samples).pvalue}


def _decimals(values: np.ndarray, samples: list[np.ndarray]) -> int:
    """Return the decimals that show three significant digits of a measure's typical value, the same for
    every group (so 4.0 [3.8, 4.2] stands beside 3.8 [3.5, 4.1], never 4 [3.8, 4.2]); none for whole numbers."""
    if len(values) and np.all(np.mod(values, 1) == 0):
        # counts and scores recorded as whole numbers (PD-L1 40%, ECOG 1) read as such: 40 [0, 85], not 40.00
        quartiles = [np.percentile(sample, [25, 50, 75]) for sample in samples if len(sample)]
        return 0 if all(np.all(np.mod(q, 1) == 0) for q in quartiles) else 1
    typical = float(np.median(np.abs(values))) if len(values) else 0.0
    if typical == 0.0:
        return 2
    return int(min(4, max(0, 2 - np.floor(np.log10(typical)))))


def _median_iqr(sample: np.ndarray, decimals: int = 2) -> str:
    if len(sample) == 0:
        return "no values"
    q1, median, q3 = np.percentile(sample, [25, 50, 75])
    return f"{median:.{decimals}f} [{q1:.{decimals}f}, {q3:.{decimals}f}]"


def format_p(value: float) -> str:
    """Return a p- or q-value as a journal prints it: "<0.001", or three decimals; "" when there is none."""
    if value is None or pd.isna(value):
        return ""
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def describe_p(value: float) -> str:
    """Return a p-value as a sentence gives it: "p < 0.001" or "p = 0.034"."""
    shown = format_p(value)
    return f"p < {shown[1:]}" if shown.startswith("<") else f"p = {shown or 'not computable'}"


def format_comparison(table: pd.DataFrame) -> pd.DataFrame:
    """Return a comparison table for reading: p and q as journals print them, effects and CIs to two decimals,
    n/a (never None, nan or a blank) where a test gives no value. Downloads keep the numbers."""
    shown = table.copy()
    for column in ("p", "q"):
        shown[column] = table[column].map(lambda v: format_p(v) or NOT_AVAILABLE)
    for column in ("estimate", "ci_low", "ci_high"):
        shown[column] = table[column].map(lambda v: NOT_AVAILABLE if pd.isna(v) else f"{v:.2f}")
    # A number column keeps its type (the page shows its missing cells as n/a).
    text = [column for column in shown.columns if not pd.api.types.is_numeric_dtype(shown[column])]
    shown[text] = shown[text].fillna(NOT_AVAILABLE)
    return shown


def _categorical_row(values: pd.Series, groups: pd.Series, labels: list, categories: list) -> dict:
    from scipy import stats  # SciPy costs a second at start; only the statistics need it

    counts = pd.crosstab(values.astype(object), groups).reindex(index=categories, columns=labels, fill_value=0)
    shown = categories[-1] if len(categories) == 2 else None
    row = {}
    for label in labels:
        total = counts[label].sum()
        if shown is not None:
            row[label] = (
                f"{shown}: {counts.at[shown, label]} ({counts.at[shown, label] / total:.0%})" if total else "no values"
            )
        else:
            top = counts[label].sort_values(ascending=False).head(2)
            row[label] = ", ".join(f"{k} {v} ({v / total:.0%})" for k, v in top.items()) if total else "no values"
    counts = counts.loc[counts.sum(axis=1) > 0]
    if counts.shape[0] < 2 or (counts.sum(axis=0) == 0).any():
        return row | {"test": "one category only", "p": np.nan}
    if counts.shape == (2, 2):
        table = counts.to_numpy()[::-1]  # the shown category first: OR of having it, group 1 against group 2
        estimate, low, high = odds_ratio(table)
        p = stats.fisher_exact(table).pvalue
        return row | {
            "test": "Fisher's exact",
            "p": p,
            "effect": f"odds ratio ({shown})",
            "estimate": estimate,
            "ci_low": low,
            "ci_high": high,
        }
    chi2, p, _, _ = stats.chi2_contingency(counts.to_numpy())
    cramers_v = np.sqrt(chi2 / (counts.to_numpy().sum() * (min(counts.shape) - 1)))
    return row | {"test": "chi-square", "p": p, "effect": "Cramér's V", "estimate": cramers_v}


def compare_groups(frame: pd.DataFrame, groups: pd.Series, features=COMPARED_FIELDS) -> pd.DataFrame:
    """Return one row per feature measured in a grouped patient: summaries per group, missing per group, test, p,
    effect with CI, BH q (a feature nobody compared has is left out; `describe_absent` names them).

    Sorted by q-value. With two groups, effects are Cliff's delta (first group against second) or
    the odds ratio; with more groups, Kruskal-Wallis or chi-square without an effect CI.
    """
    groups = pd.Series(groups, index=frame.index).astype(object)
    labels = in_reading_order(pd.unique(groups.dropna()))
    if len(labels) < 2:
        raise ValueError(f"comparing needs at least two groups with patients; found {len(labels)}")
    rows = []
    grouped = groups.notna().to_numpy()
    for field in features:
        spec = FIELD_BY_NAME[field]
        values = frame[field]
        if values[grouped].isna().all():  # nobody compared has it: a row of "no values" says nothing
            continue
        row = {"feature": spec.label, "field": field, "unit": spec.display_unit}
        for label in labels:
            members = groups == label
            row[f"n {label}"] = int(members.sum())
            row[f"missing {label}"] = int((members & values.isna()).sum())
        if spec.categories:
            categories = [c for c in spec.categories if (values == c).any()]
            row |= _categorical_row(values, groups, labels, categories or list(spec.categories))
        else:
            row |= _numeric_row(values, groups, labels)
        rows.append(row)
    table = pd.DataFrame(rows)
    for column in ("effect", "estimate", "ci_low", "ci_high"):
        if column not in table:
            table[column] = np.nan
    table["q"] = adjust_benjamini_hochberg(table["p"])
    # What a reader scans first comes first: the summaries, the effect and its q-value.
    order = [
        "feature",
        "field",
        "unit",
        *labels,
        "effect",
        "estimate",
        "ci_low",
        "ci_high",
        "p",
        "q",
        "test",
        *[f"n {g}" for g in labels],
        *[f"missing {g}" for g in labels],
    ]
    return table[order].sort_values(["q", "p"], na_position="last", kind="stable").reset_index(drop=True)


def compare_measures(values: pd.DataFrame, groups: pd.Series, names: dict[str, str]) -> pd.DataFrame:
    """Return one row per numeric column of values (named by names): per-group median [IQR], missing,
    Mann-Whitney U (or Kruskal-Wallis), Cliff's delta with 95% CI, p and Benjamini-Hochberg q; sorted by q.

    The measures need not be cohort fields: Compare uses it for the transcriptome's descriptors."""
    groups = pd.Series(groups, index=values.index).astype(object)
    labels = sorted(pd.unique(groups.dropna()), key=lambda g: (outcome_of_group(g) == Group.NON_RESPONDER, str(g)))
    if len(labels) < 2:
        raise ValueError(f"comparing needs at least two groups with patients; found {len(labels)}")
    rows = []
    for column in values.columns:
        row = {"feature": names.get(column, column), "field": column}
        for label in labels:
            members = groups == label
            row[f"n {label}"] = int(members.sum())
            row[f"missing {label}"] = int((members & values[column].isna()).sum())
        rows.append(row | _numeric_row(values[column], groups, labels))
    table = pd.DataFrame(rows)
    for column in ("effect", "estimate", "ci_low", "ci_high"):
        if column not in table:
            table[column] = np.nan
    table["q"] = adjust_benjamini_hochberg(table["p"])
    order = ["feature", "field", *labels, "effect", "estimate", "ci_low", "ci_high", "p", "q", "test"]
    order += [f"n {g}" for g in labels] + [f"missing {g}" for g in labels]
    return table[order].sort_values(["q", "p"], na_position="last", kind="stable").reset_index(drop=True)


def mean_shap_by_group(shap: pd.DataFrame, groups: pd.Series, inputs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the mean SHAP value (log-odds) of each feature per group: features as rows, groups as columns.

    With inputs (the patients' values, row by row with shap), a feature counts only where it was measured, and
    a feature no patient has is left out: a missing input is never a driver.
    """
    columns = [shap_column(f) for f in FEATURES]
    values = shap[columns]
    if inputs is not None:
        values = values.where(inputs[list(FEATURES)].notna().to_numpy())
    means = values.groupby(pd.Series(groups, index=shap.index).to_numpy()).mean().T
    means = means[in_reading_order(means.columns)]
    means.index = [FIELD_BY_NAME[f].label for f in FEATURES]
    return means.dropna(how="all")


def group_by_tertile(probability) -> pd.Series:
    """Return the third of predicted probability per patient, one of TERTILES (low, middle, high)."""
    p = pd.Series(np.asarray(probability, dtype="float64"))
    return pd.qcut(p.rank(method="first"), 3, labels=list(TERTILES)).astype(object)
