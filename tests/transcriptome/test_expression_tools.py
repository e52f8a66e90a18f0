"""Expression files as quantification tools and other people write them, each giving the plain TPM run's answer.

Every file is built here from the bundled RNA demo (Gide et al. 2019, TPM) in another tool's layout:
featureCounts with its comment line and BAM paths, salmon and RSEM outputs one sample per file (also zipped),
nf-core/rnaseq merged tables, Entrez ids, semicolons with decimal commas, UTF-16 text. Damaged values, z-scores,
GEO titles and TCGA barcodes are checked too, and a patient's number is shown not to move with the company.
"""

import functools
import io
import zipfile

import numpy as np
import pandas as pd
import pytest

from icilens.cli import main
from icilens.intake.errors import IntakeError
from icilens.transcriptome import compute_descriptors
from icilens.transcriptome.expression import (
    combine_expression,
    name_single_sample,
    read_expression,
    read_expression_files,
)
from icilens.transcriptome.genes import descriptor_genes, load_gene_table
from icilens.transcriptome.rna_predictions import PROBABILITY, predict_transcriptome
from tests.conftest import ROOT
from tests.data.build_expression_corpus import rsem, salmon

DEMO = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts" / "demo_expression.csv.gz"
RAW = pd.read_csv(DEMO, index_col=0)
GENES = load_gene_table().drop_duplicates("symbol").set_index("symbol")
SAMPLES = list(RAW.columns[:12])
SIGNATURES = ["signature_cyt", "signature_ifng6", "signature_immune18", "signature_gep", "signature_tls"]


def plain() -> pd.DataFrame:
    tpm = RAW[SAMPLES]
    return tpm / tpm.sum() * 1e6


def signatures(intake) -> pd.DataFrame:
    return compute_descriptors(intake.tpm, intake.genes_measured, intake.relative).values[SIGNATURES]


@functools.cache
def expected() -> pd.DataFrame:
    """The plain TPM file's signatures, which every tool's way of writing it must give (read when needed)."""
    return signatures(read_expression(plain().to_csv(index_label="gene").encode(), "tpm.csv"))


def assert_same_answer(intake, atol=1e-6):
    ours = signatures(intake)
    pd.testing.assert_frame_equal(ours.loc[expected().index], expected(), atol=atol, check_names=False)


def with_ensembl(frame: pd.DataFrame) -> pd.DataFrame:
    ids = GENES["ensembl"].str.split("|").str[0].reindex(frame.index)
    kept = frame[ids.fillna("").ne("").to_numpy()]
    return kept.set_axis(ids.dropna()[ids.dropna() != ""].to_numpy())


@pytest.mark.slow
def test_featurecounts_with_its_comment_line_bam_paths_and_lengths_gives_tpm():
    tpm = with_ensembl(plain())
    lengths = pd.Series(np.random.default_rng(0).integers(300, 9000, len(tpm)), index=tpm.index)
    counts = (tpm.mul(lengths / 1e3, axis=0) * 50).round()
    table = counts.copy()
    table.columns = [f"/data/align/{s}.sorted.bam" for s in tpm.columns]
    table.insert(0, "Length", lengths)
    for column, value in (("Strand", "+"), ("End", "2000"), ("Start", "1000"), ("Chr", "chr1")):
        table.insert(0, column, value)
    text = '# Program:featureCounts v2.0.3; Command:"featureCounts" "-a" "genes.gtf"\n' + table.to_csv(
        sep="\t", index_label="Geneid"
    )
    intake = read_expression(text.encode(), "counts.txt")
    assert list(intake.samples) == SAMPLES  # paths and .sorted.bam set aside
    assert "TPM" in intake.scale.kind and "gene lengths" in intake.scale.evidence
    codes = set(intake.findings["code"])
    assert {"annotation_set_aside", "expression_read"} <= codes
    # counts were made from TPM of the genes that have Ensembl ids; the same genes give the same TPM
    expected = signatures(read_expression(tpm.to_csv(index_label="gene").encode(), "same_genes.csv"))
    # whole counts round each gene to a read: the signatures agree to the rounding
    pd.testing.assert_frame_equal(signatures(intake).loc[expected.index], expected, atol=0.01, check_names=False)


def _salmon(sample: str) -> bytes:
    return salmon(plain()[sample]).encode()


@pytest.mark.slow
def test_salmon_outputs_one_per_sample_become_one_matrix_named_by_their_folders():
    files = [(f"{s}/quant.sf", _salmon(s)) for s in SAMPLES]
    intake = read_expression_files(files)
    assert list(intake.samples) == SAMPLES
    assert_same_answer(intake)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            archive.writestr(name, data)
    zipped = read_expression(buffer.getvalue(), "salmon.zip")
    assert list(zipped.samples) == SAMPLES
    assert_same_answer(zipped)


def test_one_rsem_genes_results_file_reads_its_tpm_column_only():
    sample = SAMPLES[0]
    intake = read_expression(rsem(plain()[sample]).encode(), f"{sample}.genes.results")
    assert list(intake.samples) == [sample]
    np.testing.assert_allclose(signatures(intake).loc[sample], expected().loc[sample], atol=1e-6)


def test_nf_core_merged_tables_read_by_either_id():
    tpm = with_ensembl(plain())
    symbols = plain().index[GENES["ensembl"].str.split("|").str[0].reindex(plain().index).fillna("").ne("")]
    table = tpm.copy()
    table.insert(0, "gene_name", symbols)
    intake = read_expression(table.to_csv(sep="\t", index_label="gene_id").encode(), "salmon.merged.gene_tpm.tsv")
    assert intake.samples.tolist() == SAMPLES and "gene_name" in intake.findings["column"].str.cat()


@pytest.mark.slow
def test_entrez_ids_read_like_symbols_and_keep_every_gene():
    tpm = plain()
    entrez = GENES["entrez"].reindex(tpm.index)
    kept = tpm[entrez.notna().to_numpy()].set_axis(entrez.dropna().to_numpy())
    intake = read_expression(kept.to_csv(index_label="").encode(), "entrez.csv")
    assert intake.gene_kind == "Entrez ids"
    assert intake.genes_measured.min() > 19_000  # every gene kept, not only the descriptors'
    same_genes = tpm[entrez.notna().to_numpy()]
    expected = signatures(read_expression(same_genes.to_csv(index_label="gene").encode(), "symbols.csv"))
    pd.testing.assert_frame_equal(signatures(intake).loc[expected.index], expected, atol=1e-9, check_names=False)


@pytest.mark.slow
def test_semicolons_with_decimal_commas_and_utf16_read_as_the_plain_file():
    text = plain().to_csv(sep=";", decimal=",", index_label="gene")
    assert_same_answer(read_expression(text.encode(), "excel_fr.csv"))
    unicode_text = plain().to_csv(sep="\t", index_label="gene").encode("utf-16")
    assert_same_answer(read_expression(unicode_text, "unicode.txt"))


@pytest.mark.parametrize("damage", [np.inf, -np.inf, 1e308, 2e6], ids=["inf", "-inf", "1e308", "tpm-above-a-million"])
def test_a_damaged_value_leaves_out_its_sample_only(damage):
    tpm = plain()
    tpm.loc["ACTB", SAMPLES[0]] = damage
    intake = read_expression(tpm.to_csv(index_label="gene").encode(), "damaged.csv")
    assert SAMPLES[0] not in intake.samples
    assert SAMPLES[0] in " ".join(intake.findings["problem"])
    others = signatures(intake)
    pd.testing.assert_frame_equal(others, expected().loc[others.index], atol=1e-6, check_names=False)


def test_per_gene_z_scores_are_read_as_relative_signatures():
    logged = np.log2(plain() + 1)
    z = logged.sub(logged.mean(axis=1), axis=0).div(logged.std(axis=1).replace(0, 1), axis=0)
    intake = read_expression(z.to_csv(index_label="gene").encode(), "zscores.csv")
    assert intake.relative
    descriptors = compute_descriptors(intake.tpm, intake.genes_measured, relative=True)
    assert descriptors.values[SIGNATURES].notna().all().all()
    assert descriptors.values.filter(like="fraction_").isna().all().all()
    assert "z-scores" in descriptors.reasons["fraction_T.cells.CD8"].iloc[0]
    # a relative signature still orders patients as the absolute one does
    rho = descriptors.values["signature_ifng6"].rank().corr(expected()["signature_ifng6"].rank())
    assert rho > 0.9
    result = predict_transcriptome(intake, pd.Series(SAMPLES))
    assert result.percentiles == "within this upload" and result.table[PROBABILITY].notna().all()


def test_geo_series_matrix_links_through_its_sample_titles():
    tpm = plain()
    accessions = [f"GSM{1000 + i}" for i in range(len(SAMPLES))]
    head = '!Series_title\t"a study"\n!Sample_title\t' + "\t".join(f'"{s}"' for s in SAMPLES) + "\n"
    head += "!Sample_geo_accession\t" + "\t".join(f'"{a}"' for a in accessions) + "\n"
    body = tpm.set_axis(accessions, axis=1).to_csv(sep="\t", index_label="ID_REF")
    text = head + "!series_matrix_table_begin\n" + body + "!series_matrix_table_end\n"
    intake = read_expression(text.encode(), "GSE1_series_matrix.txt")
    result = predict_transcriptome(intake, pd.Series(SAMPLES))
    assert len(result.links.patient_of) == len(SAMPLES) and result.links.by_other_name == len(SAMPLES)


def test_tcga_style_barcodes_link_to_their_patients_by_prefix():
    patients = [f"TCGA-AB-{1000 + i}" for i in range(len(SAMPLES))]
    barcodes = [f"{p}-01A-11R-A12B-07" for p in patients]
    intake = read_expression(plain().set_axis(barcodes, axis=1).to_csv(index_label="gene").encode(), "tcga.csv")
    result = predict_transcriptome(intake, pd.Series(patients))
    assert result.links.by_prefix == len(SAMPLES) and not result.links.unlinked_samples


@pytest.mark.slow
def test_a_patients_number_is_the_same_alone_with_half_or_with_all_of_the_cohort():
    everyone = RAW / RAW.sum() * 1e6

    def probabilities(columns):
        intake = read_expression(everyone[columns].to_csv(index_label="gene").encode(), "rna.csv")
        return predict_transcriptome(intake).table.set_index("patient_id")[PROBABILITY]

    alone = probabilities([RAW.columns[0]])
    half = probabilities(list(RAW.columns[: len(RAW.columns) // 2]))
    whole = probabilities(list(RAW.columns))
    assert alone.notna().all()
    for sample in half.index:
        assert half[sample] == pytest.approx(whole[sample], abs=1e-12)
    assert alone.iloc[0] == pytest.approx(whole[RAW.columns[0]], abs=1e-12)


def test_hostile_files_are_refused_with_their_reason():
    long_label = ("gene," + ",".join(SAMPLES) + "\n" + "G" * 50_000 + ",1" * len(SAMPLES) + "\n").encode()
    with pytest.raises(IntakeError, match="longer than 1,000 characters"):
        read_expression(long_label, "long.csv")
    transcripts = plain().set_axis([f"ENST{i:011d}" for i in range(len(plain()))])
    with pytest.raises(IntakeError, match="per transcript"):
        read_expression(transcripts.to_csv(sep="\t", index_label="target_id").encode(), "abundance.tsv")


@pytest.mark.slow
def test_predict_one_patient_reads_its_expression_file(tmp_path, capsys):
    one = tmp_path / "sample.csv"
    one.write_text(plain()[[SAMPLES[0]]].to_csv(index_label="gene"))
    assert main(["predict", "--patient", "cancer_type=Melanoma", "--expression", str(one)]) == 0
    out = capsys.readouterr().out
    assert "Transcriptome (sample.csv):" in out and "a ranking" in out
    two = tmp_path / "two.csv"
    two.write_text(plain()[SAMPLES[:2]].to_csv(index_label="gene"))
    assert main(["predict", "--patient", "cancer_type=Melanoma", "--expression", str(two)]) == 2
    assert "2 samples" in capsys.readouterr().err


def test_the_command_line_joins_one_file_per_sample(tmp_path, capsys):
    for sample in SAMPLES[:3]:
        (tmp_path / sample).mkdir()
        (tmp_path / sample / "quant.sf").write_bytes(_salmon(sample))
    files = [str(tmp_path / s / "quant.sf") for s in SAMPLES[:3]]
    clinical = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts" / "demo_clinical.csv"
    assert main(["validate", str(clinical), "--expression", *files, "--json"]) == 0
    import json

    expression = json.loads(capsys.readouterr().out)["expression"]
    assert expression["samples"] == expression["samples_linked"] == 3


def test_a_file_whose_only_sample_is_damaged_is_refused_with_the_reason():
    one = plain()[[SAMPLES[0]]].copy()
    one.loc["ACTB"] = 3e6
    with pytest.raises(IntakeError, match="TPM above a million"):
        read_expression(one.to_csv(index_label="gene").encode(), "one.csv")


HOUSEKEEPING = ["ACTB", "GAPDH", "GUSB", "HPRT1", "PGK1", "POLR2A", "RPL19", "SDHA", "TBP", "TUBB"]


def nanostring(samples: list[str], logged: bool) -> bytes:
    """The demo's tumours on an immune panel, as nSolver exports normalised counts (linear, with its Class Name
    and Accession # columns) or as a GEO series of log2 normalised counts writes them: in the panel's own unit."""
    genes = sorted((set(descriptor_genes()) | set(HOUSEKEEPING)) & set(RAW.index))
    counts = RAW.loc[genes, samples] * 37.0 + 1
    normalised = counts / np.exp(np.log(counts.loc[HOUSEKEEPING]).mean()) * 1000
    if logged:
        return np.log2(normalised).round(4).to_csv(index_label="ID_REF").encode()
    columns = {
        "Class Name": ["Housekeeping" if g in HOUSEKEEPING else "Endogenous" for g in genes],
        "Probe Name": genes,
        "Accession #": [f"NM_{i:06d}.1" for i in range(len(genes))],
    }
    table = pd.concat([pd.DataFrame(columns), normalised.round(2).reset_index(drop=True)], axis=1)
    return table.to_csv(index=False).encode()


@pytest.mark.parametrize("logged", [False, True], ids=["nsolver", "geo-log2"])
def test_a_nanostring_panel_is_ranked_within_its_upload_and_said_so(logged):
    intake = read_expression(nanostring(SAMPLES, logged), "panel.csv")
    assert intake.panel and not intake.relative
    warning = intake.findings[intake.findings["problem"].str.contains("targeted panel")]
    assert list(warning["severity"]) == ["warning"] and "ranked within this upload" in warning["action"].iloc[0]
    result = predict_transcriptome(intake, pd.Series(SAMPLES))
    assert result.percentiles == "within this upload"
    assert result.table[PROBABILITY].notna().all()
    assert result.table.filter(like="descriptor_fraction").isna().all().all()
    # ranked within the upload, the panel orders patients as the whole transcriptome does
    panel = result.table.set_index("patient_id")["percentile_ifng6"]
    whole = predict_transcriptome(read_expression(plain().to_csv(index_label="gene").encode(), "tpm.csv"))
    assert panel.corr(whole.table.set_index("patient_id")["percentile_ifng6"], method="spearman") > 0.9


def test_a_panel_too_small_to_rank_gets_no_number_and_a_single_panel_sample_is_refused():
    few = read_expression(nanostring(SAMPLES[:5], logged=True), "panel.csv")
    result = predict_transcriptome(few, pd.Series(SAMPLES[:5]))
    assert result.table[PROBABILITY].isna().all()
    assert result.findings["problem"].str.contains("targeted panel's signatures rank only within the upload").any()
    one = read_expression(nanostring(SAMPLES[:1], logged=False), "one.csv")
    with pytest.raises(IntakeError, match="targeted panel"):
        name_single_sample(one, "P1")
    whole = read_expression(plain().to_csv(index_label="gene").encode(), "tpm.csv")
    with pytest.raises(IntakeError, match="targeted panels cannot be joined"):
        combine_expression(whole, one)
