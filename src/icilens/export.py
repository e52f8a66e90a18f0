"""Turning tables into files users take away."""

from __future__ import annotations

import pandas as pd


def write_csv(table: pd.DataFrame, destination) -> None:
    """Write a table as CSV (full float precision) to a path or binary buffer, fast for large tables."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    arrow = pa.Table.from_pandas(table, preserve_index=False)
    pacsv.write_csv(arrow, destination, pacsv.WriteOptions(quoting_style="needed"))
