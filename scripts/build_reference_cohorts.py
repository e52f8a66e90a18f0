"""Rebuild the bundled reference ICB transcriptome cohorts from bhklab/ClinSets' SummarizedExperiment files.

    python scripts/build_reference_cohorts.py CLINSETS_DIR [--tiger-data TIGER_DATA_DIR] [--signaturesets DIR]

CLINSETS_DIR is a checkout of https://github.com/bhklab/ClinSets at commit SOURCE_COMMIT (its `data/` and
`data/sex/` folders); TIGER_DATA_DIR one of https://github.com/Chengxugorilla/tigeR.data at TIGER_COMMIT, for
the one cohort ClinSets lacks that it holds (Prat 2017, GSE93157). Needs the PyPI packages `rdata` and `xarray`
(build time only: `pip install -r requirements-build.txt`); R is not needed.

Writes, under src/icilens/bundled/reference_cohorts/:
- descriptors.csv: one row per patient of every open cohort: cohort, ids, cancer type, drug class, RECIST,
  response (1 = CR/PR, 0 = SD/PD, empty when RECIST is missing or not a RECIST category), the study's own
  responder call (clinical benefit as each study defined it), TMB, overall and progression-free survival in
  months with their events, and the transcriptome descriptors (signatures and quanTIseq cell fractions) computed by the package.
- cohorts.csv: per cohort: source files, study, accession, n, responders, drug class, cancer type, genes, scale.
- demo_expression.csv.gz: the TPM of every gene expressed in the RNA demo cohort (Gide 2019), to 3 digits.
- demo_clinical.csv: that cohort's patient ids, cancer type, drug class, RECIST response and survival.

and src/icilens/bundled/genes/gene_ids.csv: for every gene a descriptor reads, its Ensembl gene ids (the
GENCODE annotation of the ClinSets files), its Entrez id (bhklab/SignatureSets' data-raw tables, when that
checkout is given) and the previous symbols named in PREVIOUS_SYMBOLS.

IMvigor210 (Mariathasan 2018) and Kim 2018 (gastric) are kept for external validation and never read.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "icilens" / "bundled" / "reference_cohorts"
SOURCE_REPOSITORY = "bhklab/ClinSets"
SOURCE_COMMIT = "b26e9c2824de95c9b1988bb9b13e421cff556f71"
HELD_OUT = ("Mariathasan", "Kim")  # external validation: never bundled, never trained on
DEMO_COHORT = "Gide"
RESPONDER = {"CR": 1, "PR": 1, "SD": 0, "PD": 0}
LOG2_OFFSET = 0.001  # ClinSets stores log2(TPM + 0.001)
DRUG_CLASS = {"PD-(L)1": "PD-1/PD-L1", "CTLA4": "CTLA-4", "IO+combo": "PD-1 + CTLA-4", "IO+chemo": "ICI + chemotherapy"}

# Study, year and accession as the ClinSets/ORCESTRA curation records them; "see source" where the
# accession is not stated in the source files and was not verified here.
STUDIES = {
    "Gide": ("Gide T.N. et al., Cancer Cell 2019", "ENA PRJEB23709"),
    "Hugo": ("Hugo W. et al., Cell 2016", "GEO GSE78220"),
    "Hwang": ("Hwang S. et al., Sci Rep 2020", "GEO (GSM ids in source)"),
    "Jerby_Arnon": ("Jerby-Arnon L. et al., Cell 2018", "see source"),
    "Jung": ("Jung H. et al., Nat Commun 2019", "GEO GSE135222"),
    "Limagne2": ("Limagne E. et al., 2022", "see source"),
    "Liu": ("Liu D. et al., Nat Med 2019", "dbGaP phs000452"),
    "Miao1": ("Miao D. et al., Science 2018", "dbGaP phs001493"),
    "Nathanson": ("Nathanson T. et al., Cancer Immunol Res 2017", "see source"),
    "Padron": ("Padron L.J. et al., Nat Med 2022", "see source"),
    "Ravi": ("Ravi A. et al., Nat Genet 2023", "see source"),
    "Riaz": ("Riaz N. et al., Cell 2017", "GEO GSE91061"),
    "Roh": ("Roh W. et al., Sci Transl Med 2017", "see source"),
    "Shiuan": ("Shiuan E. et al., 2021", "see source"),
    "Snyder": ("Snyder A. et al., PLoS Med 2017", "see source"),
    "Thibaudin": ("Thibaudin M. et al., 2023", "see source"),
    "VanDenEnde": ("van den Ende T. et al., Clin Cancer Res 2021", "GEO (GSM ids in source)"),
    "Van_Allen": ("Van Allen E.M. et al., Science 2015", "dbGaP phs000452"),
    "Zhao": ("Zhao J. et al., Nat Med 2019", "see source"),
}
# Prat A. et al., Cancer Res 2017 (GEO GSE93157): anti-PD-1, NanoString PanCancer Immune Profiling panel, as the
# TIGER resource's data package stores it, one file per cancer type. Its squamous lung patients are in no file.
TIGER_REPOSITORY = "Chengxugorilla/tigeR.data"
TIGER_COMMIT = "72a61efcd9011628d26760f42433aef270c27e87"
TIGER_FILES = {"HNSC": "Head and neck", "MEL": "Melanoma", "nonsqNSCLC": "Lung"}  # file prefix: cancer type
TIGER_COHORT = "Prat"
DAYS_PER_MONTH = 365.25 / 12
STUDIES[TIGER_COHORT] = ("Prat A. et al., Cancer Res 2017", "GEO GSE93157")
CLINSETS_TERMS = (
    "log2(TPM + 0.001) in the source; TPM in the demo",
    "Processed data redistributed by ClinSets (MIT); raw data under the original study's access terms",
)
TIGER_TERMS = (
    "log2 of normalised NanoString counts in the source (a 717-gene panel)",
    "Processed data redistributed by tigeR.data (GPL-3) from GEO GSE93157",
)
GENES_OUT = ROOT / "src" / "icilens" / "bundled" / "genes"
SIGNATURESETS_COMMIT = "ed57eb0555e6ea91fada846bbec10b8409ca198f"
# Previous symbols of descriptor genes, each as the source that renames it records it.
PREVIOUS_SYMBOLS = {
    "GRK3": ("ADRBK2", "icbi-lab/quanTIseq test/Output_testfiles (HGNC 2017 mapping)"),
    "SQOR": ("SQRDL", "icbi-lab/quanTIseq test/Output_testfiles (HGNC 2017 mapping)"),
    "TOGARAM2": ("FAM179A", "icbi-lab/quanTIseq test/Output_testfiles (HGNC 2017 mapping)"),
    "TSPOAP1": ("BZRAP1", "icbi-lab/quanTIseq test/Output_testfiles (HGNC 2017 mapping)"),
    "NRDE2": ("C14orf102", "olapuentesantana/easier_manuscript R/compute.Tcell_inflamed.R"),
}
SURVIVAL_COLUMNS = ("os_months", "os_event", "pfs_months", "pfs_event")
NAME = re.compile(r"^ICB_(?P<study>.+?)__(?P<cancer>[^_]+(?:_[^_]+)?)__(?P<drug>[^_]+)(?:__(?P<sex>[FM]))?\.rda$")


def read_experiment(path: Path):
    """Return (the SummarizedExperiment of an .rda file as rdata reads it, its patients x clinical columns)."""
    import rdata

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdata warns that Bioconductor classes come back as plain objects
        experiment = next(iter(rdata.read_rda(str(path)).values()))
    columns = experiment.colData.listData
    clinical = pd.DataFrame(
        {str(k): np.ma.filled(v.astype(object), None) if np.ma.isMaskedArray(v) else v for k, v in columns.items()},
        index=[str(x) for x in experiment.colData.rownames],
    )
    return experiment, clinical


def read_file(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (patients x clinical columns, genes x patients log2(TPM + 0.001), gene annotation) of one .rda file."""
    experiment, clinical = read_experiment(path)
    expression = next(iter(experiment.assays.data.listData.values()))
    expression.index = [str(g) for g in expression.index]
    annotation = experiment.elementMetadata.listData
    genes = pd.DataFrame(
        {k: np.asarray(annotation[k]).astype(str) for k in ("gene_name", "gene_id_no_ver") if k in annotation}
    )
    return clinical, expression, genes


def read_tiger_file(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return one tigeR.data file of Prat 2017 as read_file returns a ClinSets file: clinical columns renamed to
    ClinSets', overall survival turned from days to months, and only the panel's genes (the others are empty)."""
    experiment, source = read_experiment(path)
    days = source["overall.survival..days."].map(number)
    died = source["vital.status"].map({"Dead": 1.0, "Alive": 0.0})
    clinical = pd.DataFrame(
        {
            "patientid": source["patient_name"].astype(str),
            "cancer_type": TIGER_FILES[path.name.removesuffix("_GSE93157.rda")],
            "drug_class": source["Therapy"].map({"anti-PD-1": "PD-1/PD-L1"}),
            "recist": source["response"],
            "response": source["response_NR"].map({"R": "R", "N": "NR"}),
            "survival_time_os": days / DAYS_PER_MONTH,
            "event_occurred_os": died,
            "survival_unit": "month",
        },
        index=source.index,
    )
    expression = experiment.assays.data.listData[0].to_pandas()
    expression = expression[expression.notna().any(axis=1)]
    expression.index = [str(g) for g in expression.index]
    expression.columns = [str(c) for c in expression.columns]
    return clinical, expression, pd.DataFrame(columns=["gene_name", "gene_id_no_ver"])


def read_source(path: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (clinical, expression, gene annotation) of a ClinSets or a tigeR.data file."""
    return read_tiger_file(path) if path.name.endswith("_GSE93157.rda") else read_file(path)


def parse_name(path: Path) -> dict[str, str] | None:
    """Return the study, cancer and drug class a ClinSets file name encodes, or None for another file."""
    match = NAME.match(path.name)
    return match.groupdict() if match else None


def recist_response(value: object) -> float:
    """Return 1 for CR/PR, 0 for SD/PD, NaN for anything else (missing, mixed, 'only scanned at baseline')."""
    text = str(value).strip().rstrip("*").upper() if value is not None else ""
    return float(RESPONDER[text]) if text in RESPONDER else np.nan


def number(value: object) -> float:
    """Return value as a finite float, else NaN (rdata gives R's logical NA as True)."""
    if isinstance(value, (bool, np.bool_)):
        return np.nan
    try:
        result = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return np.nan
    return result if np.isfinite(result) else np.nan


def load_study(study: str, files: list[Path]) -> tuple[pd.DataFrame, pd.DataFrame, list[str], pd.DataFrame]:
    """Return (clinical, expression, source paths, gene annotation) of one study, patients deduplicated by id."""
    clinical_parts, expression_parts, used, annotations = [], [], [], []
    seen: set[str] = set()
    for path in sorted(files, key=lambda p: ("sex" in p.parts, p.name)):  # whole-cohort files first
        clinical, expression, genes = read_source(path)
        annotations.append(genes)
        new = [pid for pid in clinical.index if str(clinical.loc[pid, "patientid"]) not in seen]
        if not new:
            continue
        clinical = clinical.loc[new]
        if "drug_class" not in clinical:  # ClinSets names it in the file name
            drug = (parse_name(path) or {}).get("drug", "")
            clinical = clinical.assign(drug_class=DRUG_CLASS.get(drug, drug))
        seen.update(str(x) for x in clinical["patientid"])
        clinical_parts.append(clinical)
        expression_parts.append(expression[new])
        used.append(str(path.relative_to(path.parents[2 if "sex" in path.parts else 1])))
    clinical = pd.concat(clinical_parts)
    expression = pd.concat(expression_parts, axis=1, join="inner")
    return clinical, expression, used, pd.concat(annotations).drop_duplicates()


def describe(study: str, clinical: pd.DataFrame, expression: pd.DataFrame) -> pd.DataFrame:
    """Return the descriptor rows of one study's patients."""
    from icilens.transcriptome import compute_descriptors
    from icilens.transcriptome.scale import decide_scale, to_tpm

    # the app's own path: the scale told from the values, then TPM over the sample's genes
    tpm = to_tpm(expression, decide_scale(expression))
    tpm = tpm.groupby(level=0).max()  # ClinSets keeps one row per gene already; this only guards it
    descriptors = compute_descriptors(tpm).values
    rows = pd.DataFrame(
        {
            "cohort": study,
            "patient": clinical["patientid"].astype(str).to_numpy(),
            "sample": clinical.index,
            "cancer_type": clinical["cancer_type"].astype(str).to_numpy(),
            "drug_class": clinical["drug_class"].to_numpy(),
            "recist": clinical["recist"].map(lambda v: None if v in (True, None) else str(v).strip()).to_numpy(),
            "response": clinical["recist"].map(recist_response).to_numpy(),
            "study_response": clinical["response"].map(lambda v: {"R": 1.0, "NR": 0.0}.get(str(v), np.nan)).to_numpy(),
            "tmb_per_mb": clinical.get("TMB_perMb", pd.Series(np.nan, index=clinical.index)).map(number).to_numpy(),
            **survival_columns(clinical),
        },
        index=clinical.index,
    )
    return pd.concat([rows, descriptors], axis=1).reset_index(drop=True)


def survival_columns(clinical: pd.DataFrame) -> dict[str, np.ndarray]:
    """Return overall and progression-free survival in months with their events (1 = died or progressed), NaN
    where the source has none. ClinSets gives every ICB cohort's times in months (`survival_unit`)."""
    units = {str(u) for u in clinical.get("survival_unit", pd.Series(dtype=object)).dropna() if u is not True}
    if units - {"month"}:
        raise ValueError(f"survival times in {sorted(units)}, not months")
    columns = {}
    for endpoint in ("os", "pfs"):
        months = clinical.get(f"survival_time_{endpoint}", pd.Series(np.nan, index=clinical.index)).map(number)
        events = clinical.get(f"event_occurred_{endpoint}", pd.Series(np.nan, index=clinical.index)).map(number)
        usable = months.notna() & events.isin([0.0, 1.0]) & (months >= 0)
        columns[f"{endpoint}_months"] = months.where(usable).to_numpy()
        columns[f"{endpoint}_event"] = events.where(usable).to_numpy()
    return columns


def build_study(item: tuple[str, list[Path]]) -> tuple[pd.DataFrame, dict, pd.DataFrame | None, pd.DataFrame]:
    study, files = item
    clinical, expression, used, genes = load_study(study, files)
    rows = describe(study, clinical, expression)
    citation, accession = STUDIES.get(study, ("see source", "see source"))
    tiger = study == TIGER_COHORT
    repository, commit = (TIGER_REPOSITORY, TIGER_COMMIT) if tiger else (SOURCE_REPOSITORY, SOURCE_COMMIT)
    scale, terms = TIGER_TERMS if tiger else CLINSETS_TERMS
    summary = {
        "cohort": study,
        "study": citation,
        "accession": accession,
        "source": f"{repository}@{commit}: " + "; ".join(used),
        "cancer_type": "; ".join(sorted(rows["cancer_type"].unique())),
        "drug_class": "; ".join(sorted(rows["drug_class"].unique())),
        "patients": len(rows),
        "with_recist": int(rows["response"].notna().sum()),
        "responders": int((rows["response"] == 1).sum()),
        "with_os": int(rows["os_months"].notna().sum()),
        "os_events": int(rows["os_event"].sum()),
        "with_pfs": int(rows["pfs_months"].notna().sum()),
        "pfs_events": int(rows["pfs_event"].sum()),
        "genes": expression.shape[0],
        "scale": scale,
        "terms": terms,
    }
    demo = None
    if study == DEMO_COHORT:
        demo = (2.0**expression - LOG2_OFFSET).clip(lower=0)
    return rows, summary, demo, genes


def write_gene_ids(annotations: list[pd.DataFrame], signaturesets: Path | None) -> None:
    """Write bundled/genes/gene_ids.csv: symbol, Ensembl ids, Entrez id, previous symbols of descriptor genes."""
    wanted = descriptor_genes()
    ensembl = pd.concat(annotations).drop_duplicates()
    ensembl = (
        ensembl[ensembl["gene_name"].isin(wanted)]
        .groupby("gene_name")["gene_id_no_ver"]
        .agg(lambda ids: "|".join(sorted(set(ids))))
    )
    entrez = pd.Series(dtype=str)
    if signaturesets is not None:
        tables = [pd.read_csv(p, encoding="latin-1") for p in sorted(signaturesets.glob("data-raw/**/*.csv"))]
        pairs = pd.concat(
            [t[["gene_name", "entrez_id"]] for t in tables if {"gene_name", "entrez_id"} <= set(t.columns)]
        )
        pairs = pairs.dropna().drop_duplicates("gene_name")
        entrez = pairs.set_index("gene_name")["entrez_id"].astype(int).astype(str)
    table = pd.DataFrame({"symbol": wanted})
    table["ensembl"] = table["symbol"].map(ensembl).fillna("")
    table["entrez"] = [entrez.get(g, "") for g in table["symbol"]]
    table["previous_symbols"] = table["symbol"].map(lambda g: PREVIOUS_SYMBOLS.get(g, ("", ""))[0])
    table["previous_symbol_source"] = table["symbol"].map(lambda g: PREVIOUS_SYMBOLS.get(g, ("", ""))[1])
    GENES_OUT.mkdir(parents=True, exist_ok=True)
    table.to_csv(GENES_OUT / "gene_ids.csv", index=False)
    print(
        f"{len(table)} descriptor genes: {(table['ensembl'] != '').sum()} with Ensembl ids, {(table['entrez'] != '').sum()} with Entrez ids"
    )


def descriptor_genes() -> list[str]:
    from icilens.transcriptome.genes import descriptor_genes as declared_genes  # the catalogue's descriptors

    return sorted(declared_genes())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clinsets", type=Path, help="a checkout of bhklab/ClinSets (its data/ folder is read)")
    parser.add_argument("--tiger-data", type=Path, help=f"a checkout of {TIGER_REPOSITORY} at {TIGER_COMMIT}")
    parser.add_argument(
        "--signaturesets", type=Path, help=f"a checkout of bhklab/SignatureSets at {SIGNATURESETS_COMMIT}"
    )
    args = parser.parse_args(argv)
    files: dict[str, list[Path]] = {}
    for path in sorted(args.clinsets.glob("data/**/*.rda")):
        meta = parse_name(path)
        if meta is None or meta["study"].startswith(HELD_OUT):
            continue
        files.setdefault(meta["study"], []).append(path)
    if not files:
        print(f"no ClinSets ICB files under {args.clinsets}/data", file=sys.stderr)
        return 2
    if args.tiger_data is not None:
        files[TIGER_COHORT] = [args.tiger_data / "data" / f"{prefix}_GSE93157.rda" for prefix in TIGER_FILES]
    OUT.mkdir(parents=True, exist_ok=True)
    rows, summaries, annotations = [], [], []
    with ProcessPoolExecutor(2) as pool:
        for study_rows, summary, demo, genes in pool.map(build_study, files.items()):
            annotations.append(genes)
            rows.append(study_rows)
            summaries.append(summary)
            print(f"{summary['cohort']}: {summary['patients']} patients, {summary['with_recist']} with RECIST")
            if demo is not None:
                # the whole transcriptome, so quanTIseq's totals are right; 3 significant digits keep it small
                demo = demo[(demo > 0).any(axis=1)]
                demo.to_csv(
                    OUT / "demo_expression.csv.gz",
                    index_label="gene",
                    float_format="%.3g",
                    compression={"method": "gzip", "mtime": 0, "compresslevel": 9},
                )
                clinical = study_rows[["patient", "sample", "cancer_type", "drug_class", "recist", *SURVIVAL_COLUMNS]]
                clinical.to_csv(OUT / "demo_clinical.csv", index=False)
    write_gene_ids(annotations, args.signaturesets)
    table = pd.concat(rows, ignore_index=True)
    table.to_csv(OUT / "descriptors.csv", index=False, float_format="%.6g")
    pd.DataFrame(summaries).to_csv(OUT / "cohorts.csv", index=False)
    print(f"{len(table)} patients in {len(summaries)} cohorts written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
