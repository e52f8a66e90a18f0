"""Units of numeric fields: the unit a column is in (from its header or its values), conversion to the canonical
unit, and values outside the plausible range or not in whole steps set missing, each said."""

from __future__ import annotations

import pandas as pd

from icilens.intake.findings import INFO, WARNING, Findings
from icilens.schema import Field, Unit
from icilens.vocabulary import FindingCode

MIN_VALUES_FOR_UNIT = 5  # fewer values cannot tell units apart: the canonical unit, if they fit it


def choose_unit(spec: Field, values: pd.Series) -> tuple[Unit | None, tuple[Unit, ...]]:
    """Return (the unit the values are in, or None; the units they fit when more than one).

    A unit fits when the column's reference quantile lies in the unit's typical range. With no
    typical fit, a unit whose conversion keeps 95% of values plausible is taken when it is alone.
    """
    if len(spec.units) < 2:
        return (spec.units[0] if spec.units else None), ()
    present = values.dropna()
    if len(present) < MIN_VALUES_FOR_UNIT:
        canonical_fits = (present * spec.units[0].factor).between(spec.low, spec.high).all()
        return (spec.units[0], ()) if canonical_fits else (None, ())
    reference = float(present.quantile(spec.unit_quantile))
    typical = tuple(u for u in spec.units if u.typical and u.typical[0] <= reference <= u.typical[1])
    if len(typical) == 1:
        return typical[0], ()
    if len(typical) > 1:
        return None, typical
    plausible = tuple(u for u in spec.units if (present * u.factor).between(spec.low, spec.high).mean() >= 0.95)
    if len(plausible) == 1:
        return plausible[0], ()
    return None, plausible


def unit_named(spec: Field, name: str | None) -> Unit | None:
    """Return the field's unit called name (case-insensitive), or None."""
    for unit in spec.units:
        if name is not None and unit.name.lower() == str(name).lower():
            return unit
    return None


def to_canonical(values, unit: Unit):
    """Return values in the canonical unit; a factor of 1/k divides by k, so 43 g/L is exactly 4.3 g/dL."""
    divisor = 1 / unit.factor
    if abs(divisor - round(divisor, 4)) < 1e-9:
        return values / round(divisor, 4)
    return values * unit.factor


def convert_units(spec: Field, values: pd.Series, unit: Unit | None, how: str, rows, column, findings) -> pd.Series:
    """Return values in the field's canonical unit; `how` says where the unit came from, for the finding."""
    if unit is None or not spec.units:
        return values
    canonical = spec.units[0]
    if unit.factor != 1.0 and values.notna().any():
        example = values.dropna().iloc[0]
        findings.add(
            None,
            column,
            f"e.g. {example:g} {unit.name} = {to_canonical(example, unit):.4g} {canonical.name}",
            f"{how} {unit.name}",
            f"all values converted to {canonical.name} (multiplied by {unit.factor:.4g})",
            INFO,
            FindingCode.UNIT_CONVERTED,
        )
        values = to_canonical(values, unit)
    return _rescue_cells(spec, values, unit, rows, column, findings)


def _rescue_cells(spec: Field, values: pd.Series, unit: Unit, rows, column, findings) -> pd.Series:
    """Convert single cells that are plainly in another unit (ten times or more apart), each reported."""
    outside = values.notna() & ~values.between(spec.low, spec.high)
    if not outside.any():
        return values
    values = values.copy()
    raw = values[outside] / unit.factor  # back to the column's own unit
    low, high = spec.units[0].typical or spec.bounds
    for other in spec.units:
        ratio = other.factor / unit.factor
        if other is unit or 0.1 < ratio < 10:
            continue
        fits = (raw * other.factor).between(low / 2, high * 2)  # a typical value once converted, not just possible
        fits = fits[fits]
        if fits.empty:
            continue
        findings.add_cells(
            rows[fits.index],
            column,
            raw[fits.index].map("{:g}".format),
            f"value looks like {other.name}, unlike the rest of the column ({unit.name})",
            f"this cell converted to {spec.units[0].name}",
            WARNING,
            FindingCode.CELL_UNIT_CONVERTED,
        )
        values[fits.index] = to_canonical(raw[fits.index], other)
        raw = raw.drop(fits.index)
    return values


def reject_implausible(spec: Field, values: pd.Series, rows, column: str, findings: Findings) -> pd.Series:
    """Return values with those outside the field's plausible range set missing, each reported."""
    if spec.low is None:
        return values
    outside = values.notna() & ~values.between(spec.low, spec.high)
    if outside.any():
        findings.add_cells(
            rows[outside],
            column,
            values[outside].map("{:g}".format),
            f"outside the plausible range {spec.plausible_range} {spec.unit}".rstrip(),
            "set missing",
            WARNING,
            FindingCode.OUT_OF_RANGE,
        )
        values = values.mask(outside)
    broken = values.notna() & (values % 1 != 0) if spec.whole else pd.Series(False, index=values.index)
    if broken.any():
        findings.add_cells(
            rows[broken],
            column,
            values[broken].map("{:g}".format),
            f"not a whole number: {spec.label} is recorded in whole steps ({spec.plausible_range})",
            "set missing",
            WARNING,
            FindingCode.NOT_WHOLE,
        )
        values = values.mask(broken)
    return values
