"""Builds whole-file exports of the bundled 2018 patients, written the way other systems write them.

Run `python tests/data/build_exports.py` to rebuild `tests/data/exports/` and `exports.json`. Each file
holds the same 515 patients as `src/icilens/bundled/msk_icb_2022/chowell_test_2018.csv` (the clean source), in
the layout, headers, units and codes of one kind of export; `exports.json` records what a user would
have to say on top (a value for every patient) and which id column must be kept. The tests read each
export and require the same predictions as the clean source.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "exports"
RAW = pd.read_csv(ROOT / "src" / "icilens" / "bundled" / "msk_icb_2022" / "chowell_test_2018.csv")
DAYS_PER_MONTH = 30.4375
HB_G_PER_DL_PER_MMOL_PER_L = 1.611

CBIOPORTAL_TYPES = {
    "NSCLC": "Non-Small Cell Lung Cancer",
    "SCLC": "Small Cell Lung Cancer",
    "Melanoma": "Melanoma",
    "Renal": "Renal Cell Carcinoma",
    "Bladder": "Bladder Cancer",
    "Head & Neck": "Head and Neck Cancer",
    "Colorectal": "Colorectal Cancer",
    "Hepatobiliary": "Hepatobiliary Cancer",
    "Endometrial": "Endometrial Cancer",
    "Esophageal": "Esophageal Cancer",
    "Gastric": "Gastric Cancer",
    "Mesothelioma": "Mesothelioma",
    "Ovarian": "Ovarian Cancer",
    "Pancreatic": "Pancreatic Cancer",
    "Sarcoma": "Soft Tissue Sarcoma",
    "Breast": "Breast Cancer",
}
DUTCH_TYPES = {
    "NSCLC": "NSCLC",
    "SCLC": "SCLC",
    "Melanoma": "Melanoom",
    "Renal": "Niercelcarcinoom",
    "Bladder": "Blaascarcinoom",
    "Head & Neck": "Hoofd-halstumor",
    "Colorectal": "Colorectaal carcinoom",
    "Hepatobiliary": "Hepatocellulair carcinoom",
    "Endometrial": "Endometriumcarcinoom",
    "Esophageal": "Oesofaguscarcinoom",
    "Gastric": "Maagcarcinoom",
    "Mesothelioma": "Mesothelioom",
    "Ovarian": "Ovariumcarcinoom",
    "Pancreatic": "Pancreascarcinoom",
    "Sarcoma": "Sarcoom",
    "Breast": "Mammacarcinoom",
}
DRUG_NAMES = {0: "Pembrolizumab", 1: "Ipilimumab + Nivolumab", 2: "Ipilimumab"}
CBIOPORTAL_DRUGS = {0: "PD-1/PDL-1", 1: "Combo", 2: "CTLA4"}
RECIST = {1: "PR", 0: "PD"}

EXPECTED: dict[str, dict] = {}


def write(name: str, data: bytes, **expected) -> None:
    (OUT / name).write_bytes(data)
    EXPECTED[name] = expected


def text(frame: pd.DataFrame, sep: str = ",", decimal: str = ".", encoding: str = "utf-8", **kwargs) -> bytes:
    return frame.to_csv(index=False, sep=sep, decimal=decimal, **kwargs).encode(encoding)


def yes_no(series: pd.Series, yes: str = "Yes", no: str = "No") -> pd.Series:
    return series.map({1: yes, 0: no})


def cbioportal_data_clinical() -> None:
    """A study's data_clinical_sample.txt: four '#' lines, then attribute ids; codes as cBioPortal writes them."""
    frame = pd.DataFrame(
        {
            "PATIENT_ID": "P-" + RAW["SAMPLE_ID"].astype(str).str.zfill(7),
            "SAMPLE_ID": "P-" + RAW["SAMPLE_ID"].astype(str).str.zfill(7) + "-T01-IM6",
            "CANCER_TYPE": RAW["CancerType"].map(CBIOPORTAL_TYPES),
            "SEX": RAW["Sex"].map({1: "Male", 0: "Female"}),
            "AGE_AT_ICI": RAW["Age"],
            "DRUG_TYPE": RAW["Drug"].map(CBIOPORTAL_DRUGS),
            "TMB_NONSYNONYMOUS": RAW["TMB"],
            "MUTATION_COUNT": (RAW["TMB"] * 1.2).round().astype(int),
            "FRACTION_GENOME_ALTERED": RAW["FCNA"],
            "MSI_TYPE": RAW["MSI"].map({1: "Instable", 0: "Stable"}),
            "MSI_SCORE": RAW["MSI"] * 12.5,
            "PDL1_TPS": RAW["PDL1_TPS(%)"],
            "PRIOR_SYSTEMIC_THERAPY": yes_no(RAW["Systemic_therapy_history"]),
            "ALBUMIN": RAW["Albumin"],
            "NLR": RAW["NLR"],
            "STAGE": RAW["Stage"].map({1: "IV", 0: "I-III"}),
            "HLA_LOH": yes_no(RAW["HLA_LOH"]),
            "HED": RAW["HED"],
            "PLATELETS": RAW["Platelets"],
            "HGB": RAW["HGB"],
            "BMI": RAW["BMI"],
            "OS_STATUS": RAW["OS_Event"].map({1: "1:DECEASED", 0: "0:LIVING"}),
            "OS_MONTHS": RAW["OS_Months"],
            "PFS_STATUS": RAW["PFS_Event"].map({1: "1:PROGRESSION", 0: "0:CENSORED"}),
            "PFS_MONTHS": RAW["PFS_Months"],
            "BEST_OVERALL_RESPONSE": RAW["Response"].map(RECIST),
        }
    )
    display = [
        "Patient Identifier",
        "Sample Identifier",
        "Cancer Type",
        "Sex",
        "Age at ICI start",
        "Drug Type",
        "TMB (nonsynonymous)",
        "Mutation Count",
        "Fraction Genome Altered",
        "MSI Type",
        "MSI Score",
        "PD-L1 TPS (%)",
        "Prior systemic therapy",
        "Albumin (g/dL)",
        "NLR",
        "Stage",
        "HLA LOH",
        "HED",
        "Platelets",
        "Hemoglobin",
        "BMI",
        "Overall Survival Status",
        "Overall Survival (Months)",
        "Progression Free Status",
        "Progress Free Survival (Months)",
        "Best Overall Response",
    ]
    kinds = ["STRING" if frame[c].dtype == object else "NUMBER" for c in frame.columns]
    lines = ["#" + "\t".join(display), "#" + "\t".join(display), "#" + "\t".join(kinds), "#" + "\t".join("1" * 26)]
    body = frame.to_csv(index=False, sep="\t")
    write(
        "cbioportal_data_clinical_sample.txt",
        ("\n".join(lines) + "\n" + body).encode(),
        ids=list(frame["PATIENT_ID"]),
        id_column="PATIENT_ID",
        unused=["MUTATION_COUNT", "MSI_SCORE"],
    )


def cbioportal_download() -> None:
    """The 'clinical data' download of the cBioPortal website: display names and a constant Study ID."""
    frame = pd.DataFrame(
        {
            "Study ID": "ici_pan_2026",
            "Patient ID": "P-" + RAW["SAMPLE_ID"].astype(str).str.zfill(7),
            "Sample ID": "P-" + RAW["SAMPLE_ID"].astype(str).str.zfill(7) + "-T01-IM6",
            "Cancer Type": RAW["CancerType"].map(CBIOPORTAL_TYPES),
            "Cancer Type Detailed": RAW["CancerType"].map(CBIOPORTAL_TYPES) + ", NOS",
            "Diagnosis Age": (RAW["Age"] - 1.5).round(),
            "Age at ICI start (years)": RAW["Age"],
            "Sex": RAW["Sex"].map({1: "Male", 0: "Female"}),
            "Drug Type": RAW["Drug"].map(CBIOPORTAL_DRUGS),
            "TMB (nonsynonymous)": RAW["TMB"],
            "Mutation Count": (RAW["TMB"] * 1.2).round(),
            "Fraction Genome Altered": RAW["FCNA"],
            "MSI Type": RAW["MSI"].map({1: "Instable", 0: "Stable"}),
            "PD-L1 Score (%)": RAW["PDL1_TPS(%)"],
            "Prior Systemic Therapy": yes_no(RAW["Systemic_therapy_history"]),
            "Albumin": RAW["Albumin"],
            "Neutrophil to Lymphocyte Ratio": RAW["NLR"],
            "Stage at ICI start": RAW["Stage"].map({1: "Stage IV", 0: "Stage I-III"}),
            "HLA-I LOH": yes_no(RAW["HLA_LOH"]),
            "HLA Evolutionary Divergence": RAW["HED"],
            "Platelets": RAW["Platelets"],
            "Hemoglobin": RAW["HGB"],
            "BMI": RAW["BMI"],
            "Overall Survival Status": RAW["OS_Event"].map({1: "1:DECEASED", 0: "0:LIVING"}),
            "Overall Survival (Months)": RAW["OS_Months"],
            "Progression Free Status": RAW["PFS_Event"].map({1: "1:PROGRESSION", 0: "0:CENSORED"}),
            "Progress Free Survival (Months)": RAW["PFS_Months"],
            "Durable Clinical Benefit": RAW["Response"].map({1: "YES", 0: "NO"}),
            "Best Overall Response": RAW["Response"].map(RECIST),
        }
    )
    write(
        "cbioportal_clinical_data_download.tsv",
        text(frame, sep="\t"),
        ids=list(frame["Patient ID"]),
        id_column="Patient ID",
        unused=["Study ID", "Mutation Count", "Diagnosis Age"],
    )


def redcap_raw() -> None:
    """A REDCap export of raw values: variable names, 1/0 yes-no fields, g/L albumin, days, system columns."""
    frame = pd.DataFrame(
        {
            "record_id": RAW["SAMPLE_ID"] + 1000,
            "redcap_event_name": "baseline_arm_1",
            "age_at_ici": RAW["Age"],
            "sex": RAW["Sex"],
            "primary_diagnosis": RAW["CancerType"].map(CBIOPORTAL_TYPES),
            "ici_agent": RAW["Drug"].map(DRUG_NAMES),
            "tmb_nonsyn_per_mb": RAW["TMB"],
            "pdl1_tps_pct": RAW["PDL1_TPS(%)"],
            "prior_systemic_tx": RAW["Systemic_therapy_history"],
            "albumin_g_l": RAW["Albumin"] * 10,
            "nlr_baseline": RAW["NLR"],
            "fga": RAW["FCNA"],
            "msi_status": RAW["MSI"].map({1: "MSI-H", 0: "MSS"}),
            "stage_at_ici": RAW["Stage"].map({1: "IV", 0: "III"}),
            "hla_loh": RAW["HLA_LOH"],
            "hed": RAW["HED"],
            "plt_bl": RAW["Platelets"],
            "hgb_bl": RAW["HGB"],
            "bmi_bl": RAW["BMI"],
            "best_response_recist": RAW["Response"].map(RECIST),
            "os_days": RAW["OS_Months"] * DAYS_PER_MONTH,
            "os_status": RAW["OS_Event"],
            "pfs_days": RAW["PFS_Months"] * DAYS_PER_MONTH,
            "pfs_status": RAW["PFS_Event"],
            "prior_tx___1": RAW["Systemic_therapy_history"],
            "baseline_complete": 2,
        }
    )
    write(
        "redcap_raw.csv",
        text(frame),
        ids=list(frame["record_id"].astype(str)),
        id_column="record_id",
        unused=["redcap_event_name", "prior_tx___1", "baseline_complete"],
    )


def redcap_labels() -> None:
    """The same REDCap project exported with labels: field labels as headers, choice labels as values."""
    frame = pd.DataFrame(
        {
            "Record ID": RAW["SAMPLE_ID"] + 1000,
            "Event Name": "Baseline",
            "Age at start of ICI (years)": RAW["Age"],
            "Sex": RAW["Sex"].map({1: "Male", 0: "Female"}),
            "Primary diagnosis": RAW["CancerType"].map(CBIOPORTAL_TYPES),
            "ICI agent": RAW["Drug"].map(DRUG_NAMES),
            "Tumor mutational burden (mut/Mb)": RAW["TMB"],
            "PD-L1 tumor proportion score (%)": RAW["PDL1_TPS(%)"],
            "Prior systemic therapy (chemotherapy or targeted therapy)": yes_no(RAW["Systemic_therapy_history"]),
            "Baseline serum albumin (g/L)": RAW["Albumin"] * 10,
            "Baseline neutrophil-to-lymphocyte ratio": RAW["NLR"],
            "Fraction of genome altered (%)": (RAW["FCNA"] * 100).round(10),
            "MSI status": RAW["MSI"].map({1: "MSI-High", 0: "MSS"}),
            "Stage at start of ICI": RAW["Stage"].map({1: "Stage IV", 0: "Stage III"}),
            "HLA class I LOH": yes_no(RAW["HLA_LOH"]),
            "HLA-I evolutionary divergence": RAW["HED"],
            "Platelet count (10^9/L)": RAW["Platelets"],
            "Hemoglobin (g/dL)": RAW["HGB"],
            "Body mass index (kg/m2)": RAW["BMI"],
            "Best overall response (RECIST 1.1)": RAW["Response"].map(
                {1: "Partial response (PR)", 0: "Progressive disease (PD)"}
            ),
            "Overall survival (days)": RAW["OS_Months"] * DAYS_PER_MONTH,
            "Vital status at last follow-up": RAW["OS_Event"].map({1: "Deceased", 0: "Alive"}),
            "Prior therapy (choice=Chemotherapy)": yes_no(RAW["Systemic_therapy_history"], "Checked", "Unchecked"),
            "Complete?": "Complete",
        }
    )
    write(
        "redcap_labels.csv",
        text(frame),
        ids=list(frame["Record ID"].astype(str)),
        id_column="Record ID",
        unused=["Event Name", "Prior therapy (choice=Chemotherapy)", "Complete?"],
    )


def hospital_excel() -> None:
    """An Excel export from a hospital system: title rows, a notes sheet first, MRNs, units in headers."""
    frame = pd.DataFrame(
        {
            "MRN (de-identified)": "MRN" + (RAW["SAMPLE_ID"] * 7919 % 1_000_000).astype(str).str.zfill(6),
            "Age (years)": RAW["Age"],
            "Gender": RAW["Sex"].map({1: "M", 0: "F"}),
            "Diagnosis": RAW["CancerType"].map(CBIOPORTAL_TYPES),
            "Immunotherapy regimen": RAW["Drug"].map({0: "Keytruda", 1: "Yervoy + Opdivo", 2: "Yervoy"}),
            "TMB (mut/Mb)": RAW["TMB"],
            "PD-L1 TPS (%)": RAW["PDL1_TPS(%)"],
            "Prior chemotherapy": yes_no(RAW["Systemic_therapy_history"], "Y", "N"),
            "Albumin (g/dL) – baseline": RAW["Albumin"],
            "NLR pre-treatment": RAW["NLR"],
            "FGA": RAW["FCNA"],
            "MMR status": RAW["MSI"].map({1: "dMMR", 0: "pMMR"}),
            "Tumor Stage": RAW["Stage"].map({1: "IV", 0: "IIIB"}),
            "HLA LOH": yes_no(RAW["HLA_LOH"]),
            "HED": RAW["HED"],
            "Platelets (/uL)": RAW["Platelets"] * 1000,
            "Hemoglobin [g/dL]": RAW["HGB"],
            "BMI": RAW["BMI"],
            "Best response": RAW["Response"].map({1: "Partial Response", 0: "Progressive Disease"}),
            "Referring physician": "Dr. Example",
        }
    )
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        pd.DataFrame({"Notes": ["Exported from the oncology data warehouse", "Contains de-identified data"]}).to_excel(
            writer, sheet_name="Notes", index=False
        )
        frame.to_excel(writer, sheet_name="Export", index=False, startrow=3)
        sheet = writer.sheets["Export"]
        sheet.cell(row=1, column=1, value="Immunotherapy cohort report")
        sheet.cell(row=2, column=1, value="Run date: 2026-11-02 08:14")
    write(
        "hospital_export.xlsx",
        buffer.getvalue(),
        ids=list(frame["MRN (de-identified)"]),
        id_column="MRN (de-identified)",
        unused=["Referring physician"],
    )


def supplement_days() -> None:
    """A published supplementary table: survival in days, codings written into the headers."""
    frame = pd.DataFrame(
        {
            "Patient": "Pt" + RAW["SAMPLE_ID"].astype(str),
            "Age": RAW["Age"],
            "gender (Male=1, Female=0)": RAW["Sex"],
            "Tumor type": RAW["CancerType"],
            "ICI class": RAW["Drug"].map({0: "anti-PD-1/PD-L1", 1: "anti-PD-1 + anti-CTLA-4", 2: "anti-CTLA-4"}),
            "TMB": RAW["TMB"],
            "PD-L1 (%)": RAW["PDL1_TPS(%)"],
            "Prior systemic therapy (1=yes)": RAW["Systemic_therapy_history"],
            "Albumin (g/dL)": RAW["Albumin"],
            "NLR": RAW["NLR"],
            "FCNA": RAW["FCNA"],
            "MSI-H (1=yes)": RAW["MSI"],
            "Stage (IV=1)": RAW["Stage"],
            "HLA LOH (1=yes)": RAW["HLA_LOH"],
            "HED": RAW["HED"],
            "Platelets (10^9/L)": RAW["Platelets"],
            "Hb (g/dL)": RAW["HGB"],
            "BMI": RAW["BMI"],
            "Response (1=CR/PR, 0=SD/PD)": RAW["Response"],
            "OS (days)": RAW["OS_Months"] * DAYS_PER_MONTH,
            "OS event": RAW["OS_Event"],
            "PFS (days)": RAW["PFS_Months"] * DAYS_PER_MONTH,
            "PFS event": RAW["PFS_Event"],
        }
    )
    write("supplement_days.csv", text(frame), ids=list(frame["Patient"]), id_column="Patient", unused=[])


def dutch_export() -> None:
    """A Dutch hospital export: semicolons, decimal commas, cp1252, Dutch headers, Hb in mmol/L."""
    frame = pd.DataFrame(
        {
            "Patiëntnummer": "NL" + RAW["SAMPLE_ID"].astype(str).str.zfill(5),
            "Leeftijd bij start immunotherapie": RAW["Age"],
            "Geslacht": RAW["Sex"].map({1: "man", 0: "vrouw"}),
            "Tumorsoort": RAW["CancerType"].map(DUTCH_TYPES),
            "Middel": RAW["Drug"].map({0: "pembrolizumab", 1: "ipilimumab/nivolumab", 2: "ipilimumab"}),
            "TMB (mut/Mb)": RAW["TMB"],
            "PD-L1 TPS (%)": RAW["PDL1_TPS(%)"],
            "Eerdere chemotherapie": RAW["Systemic_therapy_history"].map({1: "ja", 0: "nee"}),
            "Albumine (g/L)": RAW["Albumin"] * 10,
            "NLR": RAW["NLR"],
            "FCNA": RAW["FCNA"],
            "MSI": RAW["MSI"].map({1: "MSI-H", 0: "MSS"}),
            "Stadium": RAW["Stage"].map({1: "IV", 0: "III"}),
            "HLA LOH": RAW["HLA_LOH"].map({1: "ja", 0: "nee"}),
            "HED": RAW["HED"],
            "Trombocyten (10^9/L)": RAW["Platelets"],
            "Hemoglobine (mmol/L)": RAW["HGB"] / HB_G_PER_DL_PER_MMOL_PER_L,
            "BMI": RAW["BMI"],
            "Beste respons": RAW["Response"].map({1: "PR", 0: "PD"}),
        }
    )
    write(
        "dutch_export.csv",
        text(frame, sep=";", decimal=",", encoding="cp1252"),
        ids=list(frame["Patiëntnummer"]),
        id_column="Patiëntnummer",
        unused=[],
    )


def german_export() -> None:
    """A German export: decimal commas, German headers and values."""
    frame = pd.DataFrame(
        {
            "Patienten-ID": "DE-" + RAW["SAMPLE_ID"].astype(str),
            "Alter bei Therapiebeginn": RAW["Age"],
            "Geschlecht": RAW["Sex"].map({1: "männlich", 0: "weiblich"}),
            "Tumorentität": RAW["CancerType"].map(CBIOPORTAL_TYPES),
            "Medikament": RAW["Drug"].map(DRUG_NAMES),
            "TMB (Mut/Mb)": RAW["TMB"],
            "PD-L1 TPS (%)": RAW["PDL1_TPS(%)"],
            "Vorbehandlung": RAW["Systemic_therapy_history"].map({1: "ja", 0: "nein"}),
            "Albumin (g/dl)": RAW["Albumin"],
            "NLR": RAW["NLR"],
            "FCNA": RAW["FCNA"],
            "MSI": RAW["MSI"].map({1: "MSI-H", 0: "MSS"}),
            "Stadium bei Therapiebeginn": RAW["Stage"].map({1: "IV", 0: "III"}),
            "HLA LOH": RAW["HLA_LOH"].map({1: "ja", 0: "nein"}),
            "HED": RAW["HED"],
            "Thrombozyten (/nl)": RAW["Platelets"],
            "Hämoglobin (g/dl)": RAW["HGB"],
            "BMI": RAW["BMI"],
        }
    )
    write(
        "german_export.csv",
        text(frame, sep=";", decimal=","),
        ids=list(frame["Patienten-ID"]),
        id_column="Patienten-ID",
        unused=[],
    )


def r_write_csv() -> None:
    """An R data frame saved with write.csv: row names under an empty first header cell, NA for missing."""
    frame = RAW.drop(columns=[c for c in RAW.columns if c.startswith("CancerType") and c != "CancerType"])
    frame.index = range(1, len(frame) + 1)
    write(
        "r_write_csv.csv",
        frame.to_csv(na_rep="NA").encode(),
        ids=list(frame["SAMPLE_ID"].astype(str)),
        id_column="SAMPLE_ID",
        unused=["row names", "Year of ICI treatment start"],
    )


def melanoma_only() -> None:
    """A single-disease export: no cancer-type column, the cohort is all melanoma (set by the user)."""
    melanoma = RAW[RAW["CancerType"] == "Melanoma"]
    frame = melanoma.drop(columns=[c for c in RAW.columns if c.startswith("CancerType")])
    write(
        "melanoma_only.csv",
        text(frame),
        ids=list(frame["SAMPLE_ID"].astype(str)),
        id_column="SAMPLE_ID",
        unused=["Year of ICI treatment start"],
        set_values={"cancer_type": "Melanoma"},
        rows=[int(i) for i in melanoma.index],
    )


def build() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    for builder in (
        cbioportal_data_clinical,
        cbioportal_download,
        redcap_raw,
        redcap_labels,
        hospital_excel,
        supplement_days,
        dutch_export,
        german_export,
        r_write_csv,
        melanoma_only,
    ):
        builder()
    (OUT.parent / "exports.json").write_text(json.dumps(EXPECTED, indent=1) + "\n")


if __name__ == "__main__":
    build()
    print(f"{len(EXPECTED)} exports written to {OUT}")
