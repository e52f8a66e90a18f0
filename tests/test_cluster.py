"""Scoring on a 2-worker Dask LocalCluster gives the single-process predictions, SHAP included, to 1e-12."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from icilens.cli import main
from icilens.datasets import demo_path
from icilens.intake import IntakeError, read_cohort
from icilens.scoring.chunked import predict_file
from icilens.scoring.cluster import list_partitions, predict_on_cluster, start_client
from icilens.scoring.predictions import predict_cohort

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def client():
    client = start_client(workers=2)
    yield client
    client.close()


@pytest.fixture(scope="module")
def demo_parquet(tmp_path_factory):
    """The real 2018 cohort as two Parquet files with small row groups, so the work splits into partitions."""
    folder = tmp_path_factory.mktemp("cohort")
    raw = pd.read_csv(demo_path())
    pq.write_table(pa.Table.from_pandas(raw.iloc[:300], preserve_index=False), folder / "a.parquet", row_group_size=50)
    pq.write_table(pa.Table.from_pandas(raw.iloc[300:], preserve_index=False), folder / "b.parquet", row_group_size=50)
    whole = folder / "whole.parquet"
    pq.write_table(pa.Table.from_pandas(raw, preserve_index=False), whole)
    return folder, whole


def _numbers(table: pd.DataFrame) -> np.ndarray:
    return table.drop(columns=["patient_id", "missing_features", "tmb_high"]).to_numpy(dtype=float)


def test_the_cluster_equals_one_process_and_streaming(default_model, client, demo_parquet, tmp_path):
    folder, whole = demo_parquet
    summary = predict_on_cluster(default_model, str(folder / "[ab].parquet"), tmp_path / "out", client, explain=True,
                                 chunk_rows=40, part_rows=100)  # fmt: skip
    assert summary.patients == 515 and len(summary.parts) == 6
    parts = pd.concat([pd.read_parquet(p) for p in summary.parts], ignore_index=True)
    single = predict_cohort(default_model, read_cohort(whole).frame, explain=True)
    predict_file(default_model, whole, tmp_path / "streamed.parquet", explain=True, chunk_rows=64)
    streamed = pd.read_parquet(tmp_path / "streamed.parquet")
    for table in (parts, streamed):
        assert list(table.columns) == list(single.columns)
        assert (table["patient_id"].to_numpy() == single["patient_id"].to_numpy()).all()
        np.testing.assert_allclose(_numbers(table), _numbers(single), rtol=0, atol=1e-12)
        assert (table["missing_features"] == single["missing_features"]).all()
    found = read_cohort(whole).findings["severity"].value_counts().to_dict()
    assert summary.tally.severity_counts() == {"error": 0, "warning": 0, "info": 0} | found


def test_partitions_follow_row_groups_in_file_order(demo_parquet):
    folder, _ = demo_parquet
    partitions, total = list_partitions(str(folder / "[ab].parquet"), part_rows=100)
    assert total == 515
    assert [(p.path.endswith("a.parquet"), p.row_groups, p.patients_before) for p in partitions][:4] == [
        (True, (0, 1), 0),
        (True, (2, 3), 100),
        (True, (4, 5), 200),
        (False, (0, 1), 300),
    ]


def test_a_cluster_reads_parquet_only(tmp_path):
    with pytest.raises(IntakeError, match="no file matches"):
        list_partitions(str(tmp_path / "*.parquet"))
    with pytest.raises(IntakeError, match="a cluster reads Parquet files"):
        list_partitions(str(demo_path()))


def test_the_command_line_starts_a_local_cluster(demo_parquet, tmp_path, capsys):
    folder, _ = demo_parquet
    out = tmp_path / "scored"
    assert main(["predict", str(folder / "[ab].parquet"), "--out", str(out), "--dask", "local"]) == 0
    assert "515 predictions written" in capsys.readouterr().out
    assert sum(len(pd.read_parquet(p)) for p in sorted(out.glob("part-*.parquet"))) == 515
    assert main(["predict", str(folder / "[ab].parquet"), "--out", str(out), "--dask", "local"]) == 2
    assert "is not empty" in capsys.readouterr().err
