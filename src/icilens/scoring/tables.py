"""Writing prediction tables as CSV or Parquet, whole or chunk by chunk (formula cells neutralised)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from icilens.spreadsheet_cells import neutralise_formulas
from icilens.vocabulary import Column

OUTPUT_FORMATS = (".csv", ".parquet")


class TableWriter:
    """Writes a predictions table chunk by chunk, as CSV or Parquet (by the file's extension)."""

    def __init__(self, destination: str | Path) -> None:
        self.path = Path(destination)
        if self.path.suffix.lower() not in OUTPUT_FORMATS:
            raise ValueError(f"--out must end in .csv or .parquet, not {self.path.suffix or 'nothing'}")
        self._writer: Any = None
        self._schema: Any = None

    def write(self, table: pd.DataFrame) -> None:
        """Append one chunk's rows."""
        import pyarrow as pa  # pyarrow loads only for Parquet

        if self._schema is None:
            self._schema = output_schema(table.columns)
        is_csv = self.path.suffix.lower() == ".csv"
        arrow = pa.Table.from_pandas(neutralise_formulas(table) if is_csv else table, preserve_index=False)
        arrow = arrow.cast(self._schema)
        if self._writer is None:
            self._writer = self._open(is_csv)
        self._writer.write_table(arrow)

    def _open(self, is_csv: bool) -> Any:
        if is_csv:
            import pyarrow.csv as pacsv  # pyarrow loads only for Parquet

            return pacsv.CSVWriter(
                str(self.path), self._schema, write_options=pacsv.WriteOptions(quoting_style="needed")
            )
        import pyarrow.parquet as pq  # pyarrow loads only for Parquet

        return pq.ParquetWriter(str(self.path), self._schema)

    def close(self) -> None:
        """Finish the file."""
        if self._writer is not None:
            self._writer.close()


# The transcriptome's text columns (with --expression): which sample, how percentiles were taken, why missing.
TEXT_COLUMNS = ("expression_sample", "transcriptome_percentiles", "transcriptome_missing_reason")


def output_schema(columns) -> Any:
    """Return the Arrow schema of a predictions table: ids and missing features text, flags boolean, the rest numbers."""
    import pyarrow as pa  # pyarrow loads only for Parquet

    kinds = {"patient_id": pa.string(), Column.MISSING: pa.string(), Column.TMB_HIGH: pa.bool_()}
    kinds |= {name: pa.string() for name in TEXT_COLUMNS}
    return pa.schema([(name, kinds.get(name, pa.float64())) for name in columns])


def write_table(table: pd.DataFrame, destination: str | Path) -> None:
    """Write a whole predictions table as CSV or Parquet, exactly as the chunked writer would."""
    writer = TableWriter(destination)
    writer.write(table)
    writer.close()
