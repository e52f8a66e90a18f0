"""Builds the intake test corpus: small messy or broken cohort files and what intake must do with each.

Run `python tests/data/build_corpus.py` to rebuild `tests/data/corpus/` and `expected.json`. The rows
come from the real bundled MSK cohort; the mess is what hospital exports look like.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "corpus"
RAW = pd.read_csv(ROOT / "src" / "icilens" / "bundled" / "msk_icb_2022" / "chowell_test_2018.csv").head(12)

# A hospital-style export of the same 12 patients with human headers.
HUMAN = pd.DataFrame(
    {
        "Patient ID": [f"MRN-{1000 + i}" for i in range(12)],
        "TMB (mut/Mb)": RAW["TMB"],
        "PD-L1 TPS (%)": RAW["PDL1_TPS(%)"],
        "Prior chemo": RAW["Systemic_therapy_history"].map({1: "yes", 0: "no"}),
        "Albumin (g/dL)": RAW["Albumin"],
        "Cancer type": RAW["CancerType"],
        "NLR": RAW["NLR"],
        "Age": RAW["Age"].round(1),
        "FCNA": RAW["FCNA"],
        "Drug": RAW["Drug"].map({0: "pembrolizumab", 1: "ipilimumab + nivolumab", 2: "ipilimumab"}),
        "Sex": RAW["Sex"].map({1: "M", 0: "F"}),
        "MSI status": RAW["MSI"].map({1: "MSI-H", 0: "MSS"}),
        "Stage": RAW["Stage"].map({1: "IV", 0: "III"}),
        "HLA LOH": RAW["HLA_LOH"].map({1: "yes", 0: "no"}),
        "HED": RAW["HED"].round(3),
        "Platelets": RAW["Platelets"],
        "Hemoglobin": RAW["HGB"],
        "BMI": RAW["BMI"],
        "Best response": RAW["Response"].map({1: "PR", 0: "PD"}),
    }
)

EXPECTED: dict[str, dict] = {}


def write(name: str, data: bytes | str, encoding: str = "utf-8", **expected) -> None:
    """Write one corpus file and record what intake must make of it."""
    path = OUT / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    EXPECTED[name] = expected


def csv(frame: pd.DataFrame, sep: str = ",", decimal: str = ".") -> str:
    return frame.to_csv(index=False, sep=sep, decimal=decimal)


def xlsx(sheets: dict[str, pd.DataFrame], header_offset: int = 0, titles: list[str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet, frame in sheets.items():
            frame.to_excel(writer, sheet_name=sheet, index=False, startrow=header_offset)
            for i, title in enumerate(titles or []):
                writer.sheets[sheet].cell(row=i + 1, column=1, value=title)
    return buffer.getvalue()


def workbook(build_sheets) -> bytes:
    """Return an XLSX made by openpyxl, for layouts pandas cannot write (hidden sheets, merges, formulas)."""
    import openpyxl

    book = openpyxl.Workbook()
    build_sheets(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def human_rows(sheet) -> None:
    sheet.append(list(HUMAN.columns))
    for row in HUMAN.astype(object).where(HUMAN.notna(), None).itertuples(index=False):
        sheet.append(list(row))


def hostile_files() -> None:
    """Files that read wrong or exhaust memory when intake is careless: each refused or read with its problems named."""
    ok12 = {"ok": True, "patients": 12}
    values = HUMAN.astype(object).copy()
    values.loc[0, "Age"] = "12.03.1956"
    values.loc[1, "TMB (mut/Mb)"] = "0x1A"
    values.loc[2, "NLR"] = "inf"
    values.loc[3, "Platelets"] = "1 980"
    values.loc[4, "TMB (mut/Mb)"] = "10-20"
    write(
        "50_dates_hex_infinity.csv",
        csv(values),
        **ok12,
        values={"0.age": None, "1.tmb": None, "2.nlr": None, "3.platelets": 1980.0, "4.tmb": None},
        findings=[
            "a date, not a number",
            "hexadecimal, not a measurement",
            "infinite or too large to be a measurement",
            "digits grouped by spaces",
            "a range, not one value",
        ],
    )
    ids = HUMAN.assign(**{"Patient ID": ["José", "Renée", "Zoë", *[f"Ä{i}" for i in range(9)]]})
    text = csv(ids).encode()
    text = text.replace("Zoë".encode(), "Zoë".encode("cp1252"))
    write(
        "51_mixed_encoding.csv",
        text,
        **ok12,
        values={"0.patient_id": "José", "2.patient_id": "Zoë", "3.patient_id": "Ä0"},
        findings=["mixed encodings: line(s) 4 not in UTF-8"],
    )
    write(
        "52_invisible_duplicate_ids.csv",
        csv(HUMAN.assign(**{"Patient ID": ["AB12", "AB\u200b12", "\u202eAB12", *[f"C{i}" for i in range(9)]]})),
        **ok12,
        values={"1.patient_id": "AB\u200b12#2"},
        finding_rows={"duplicate patient id": 2},
        unique_ids=True,
    )
    quoted = csv(HUMAN.assign(Comment="ok")).splitlines()
    quoted[3] = quoted[3].removesuffix("ok") + '"said fine'
    quoted[8] = quoted[8].removesuffix("ok") + 'left"'
    write("53_unbalanced_quote.csv", "\n".join(quoted) + "\n", ok=False, error="a quote in line 4 (column 'Comment')")
    broken = csv(HUMAN.assign(Comment="ok")).splitlines()
    broken[5] = broken[5].removesuffix("ok") + "line one\rline two"
    write(
        "54_lone_carriage_return.csv",
        "\n".join(broken) + "\n",
        **ok12,
        values={"4.tmb": float(RAW["TMB"][4])},
        findings=["carriage return inside a cell on line(s) 6"],
    )
    write(
        "55_gbk_ids.csv",
        csv(HUMAN.assign(**{"Patient ID": [f"张伟{i}" for i in range(12)]})).encode("gbk"),
        ok=False,
        error="Save it as UTF-8",
    )

    def stray(book):
        human_rows(book.active)
        book.active["XFD1048576"] = "stray"

    write("56_stray_cell.xlsx", workbook(stray), ok=False, error="stray cell")

    def stale(book):
        book.active.title = "Old"
        human_rows(book.active)
        book.active["B2"] = 999
        book.active.sheet_state = "hidden"
        human_rows(book.create_sheet("Current"))

    write("57_hidden_stale_sheet.xlsx", workbook(stale), **ok12, sheet="Current", values={"0.tmb": 32.5})

    def merged(book):
        human_rows(book.active)
        column = list(HUMAN.columns).index("Cancer type") + 1
        for row in (3, 4):
            book.active.cell(row=row, column=column, value=None)
        book.active.merge_cells(start_row=2, start_column=column, end_row=4, end_column=column)

    write(
        "58_merged_cancer_type.xlsx",
        workbook(merged),
        **ok12,
        values={"0.cancer_type": "Endometrial", "1.cancer_type": "Endometrial", "2.cancer_type": "Endometrial"},
        findings=["merged cells filled with their value"],
    )

    def formula(book):
        human_rows(book.active)
        book.active["B2"] = "=B3*2"

    write(
        "59_formula_without_value.xlsx",
        workbook(formula),
        **ok12,
        values={"0.tmb": None},
        findings=["1 formula cells saved without their value (B2)"],
    )
    indexed = io.BytesIO()
    HUMAN.set_index("Patient ID").to_parquet(indexed)
    write("60_parquet_index_ids.parquet", indexed.getvalue(), **ok12, values={"0.patient_id": "MRN-1000"})
    wide = ",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join(["1"] * 100_000) + "\n"
    write("61_hundred_thousand_columns.csv", wide, ok=False, error="has 100,000 columns; the limit is 2,000")
    write(
        "62_two_tmb_columns.csv",
        csv(HUMAN.assign(TMB="")),
        **ok12,
        mapped={"TMB (mut/Mb)": "tmb"},
        unmapped=["TMB"],
        values={"0.tmb": 32.5},
    )
    write(
        "63_metastasis_free_text.csv",
        csv(
            HUMAN.assign(
                **{"Cancer type": ["Liver metastasis", "Lung metastasis of melanoma", *HUMAN["Cancer type"][2:]]}
            )
        ),
        **ok12,
        values={"0.cancer_type": None, "1.cancer_type": None},
        finding_rows={"names more than one cancer type": 2},
    )
    encrypted = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64
    write("64_password_protected.xlsx", encrypted, ok=False, error="password-protected")
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    many = io.BytesIO()
    pq.write_table(pa.table({"TMB": np.zeros(30_000_000, dtype=np.int8)}), many, compression="zstd")
    write("65_thirty_million_rows.parquet", many.getvalue(), ok=False, error="has 30,000,000 rows; the limit is")


def build() -> None:
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    ok12 = {"ok": True, "patients": 12}

    write(
        "01_clean_human_headers.csv",
        csv(HUMAN),
        **ok12,
        mapped={"TMB (mut/Mb)": "tmb", "Best response": "response", "Patient ID": "patient_id"},
        values={"0.tmb": 32.5, "0.drug_class": "PD-1/PD-L1", "0.response": 1, "0.patient_id": "MRN-1000"},
    )
    write(
        "02_msk_original.csv", csv(RAW), **ok12, values={"0.sex": "female", "0.stage": "IV"}, findings=["numeric codes"]
    )
    write(
        "03_semicolon_decimal_comma.csv",
        csv(HUMAN, sep=";", decimal=","),
        **ok12,
        values={"0.albumin": 4.3, "1.nlr": 1.38, "0.hed": RAW["HED"].round(3)[0]},
    )
    write(
        "04_cp1252_accents.csv",
        csv(HUMAN.assign(**{"Cancer type": ["Mélanome", *list(HUMAN["Cancer type"][1:])]})),
        encoding="cp1252",
        **ok12,
        values={"0.cancer_type": "Melanoma"},
    )
    write(
        "05_utf8_bom.csv",
        "\ufeff" + csv(HUMAN),
        **ok12,
        mapped={"Patient ID": "patient_id"},
        values={"0.patient_id": "MRN-1000"},
    )
    write("06_tab_separated.tsv", csv(HUMAN, sep="\t"), **ok12, values={"2.tmb": RAW["TMB"][2]})
    write(
        "07_title_rows.xlsx",
        xlsx({"Export": HUMAN}, header_offset=3, titles=["Immunotherapy cohort", "Exported 2026-11-01"]),
        **ok12,
        header_row=4,
        values={"0.tmb": 32.5},
    )
    write(
        "08_cohort_on_second_sheet.xlsx",
        xlsx({"Notes": pd.DataFrame({"note": ["see next sheet"]}), "Cohort": HUMAN}),
        **ok12,
        sheet="Cohort",
        values={"0.age": RAW["Age"].round(1)[0]},
    )
    write(
        "09_numbers_as_text.xlsx",
        xlsx({"Sheet1": HUMAN.astype(str).replace("nan", "")}),
        **ok12,
        values={"0.albumin": 4.3, "0.platelets": 198.0},
    )
    write(
        "10_units_g_per_l.csv",
        csv(
            HUMAN.rename(columns={"Albumin (g/dL)": "Albumin"}).assign(
                Albumin=HUMAN["Albumin (g/dL)"] * 10,
                Hemoglobin=HUMAN["Hemoglobin"] * 10,
                Platelets=HUMAN["Platelets"] * 1000,
            )
        ),
        **ok12,
        values={"0.albumin": 4.3, "0.hgb": 12.8, "0.platelets": 198.0},
        findings=["unit from the values: g/L", "unit from the values: /uL"],
    )
    write(
        "11_albumin_header_g_per_l.csv",
        csv(
            HUMAN.rename(columns={"Albumin (g/dL)": "Albumin (g/L)"}).assign(
                **{"Albumin (g/L)": HUMAN["Albumin (g/dL)"] * 10}
            )
        ),
        **ok12,
        values={"0.albumin": 4.3},
        findings=["unit from the header: g/L"],
    )
    write(
        "12_pdl1_fraction.csv",
        csv(HUMAN.rename(columns={"PD-L1 TPS (%)": "PD-L1 TPS"}).assign(**{"PD-L1 TPS": [0.05, 0.5, 0.8, None] * 3})),
        **ok12,
        values={"0.pdl1_tps": 5.0, "1.pdl1_tps": 50.0},
        findings=["unit from the values: fraction"],
    )
    write(
        "13_fcna_percent.csv",
        csv(HUMAN.assign(FCNA=HUMAN["FCNA"] * 100)),
        **ok12,
        values={"0.fcna": RAW["FCNA"][0]},
        findings=["unit from the values: %"],
    )
    derived = HUMAN.drop(columns=["NLR"]).assign(
        **{"Absolute neutrophil count": HUMAN["NLR"] * 2, "Absolute lymphocyte count": 2.0}
    )
    write("14_derive_nlr.csv", csv(derived), **ok12, values={"0.nlr": RAW["NLR"][0]}, findings=["NLR derived"])
    heights = pd.Series([160.0, 170.0, 180.0] * 4)
    write(
        "15_derive_bmi_cm.csv",
        csv(HUMAN.drop(columns=["BMI"]).assign(**{"Height (cm)": heights, "Weight (kg)": 0.25 * heights**2 / 100})),
        **ok12,
        values={"0.bmi": 25.0},
        findings=["BMI derived"],
    )
    write(
        "16_derive_bmi_metres.csv",
        csv(HUMAN.drop(columns=["BMI"]).assign(Height=heights / 100, Weight=[64.0] * 12)),
        **ok12,
        values={"0.bmi": 25.0},
        findings=["unit from the values: m", "BMI derived"],
    )
    messy = HUMAN.astype(object).copy()
    messy.loc[0, "TMB (mut/Mb)"] = "pending"
    messy.loc[1, "PD-L1 TPS (%)"] = "<1"
    messy.loc[2, "Albumin (g/dL)"] = "3.8 g/dL"
    messy.loc[3, "NLR"] = "n/a"
    write(
        "17_text_in_numbers.csv",
        csv(messy),
        **ok12,
        values={"0.tmb": None, "1.pdl1_tps": 1.0, "2.albumin": 3.8, "3.nlr": None},
        findings=["text in a number column", "a bound, not an exact value", "unit written in the cell"],
        finding_rows={"text in a number column": 1},
    )
    bad = HUMAN.astype(object).copy()
    bad.loc[0, "Age"] = 250
    bad.loc[1, "TMB (mut/Mb)"] = -3
    bad.loc[2, "Albumin (g/dL)"] = 12
    write(
        "18_implausible_values.csv",
        csv(bad),
        **ok12,
        values={"0.age": None, "1.tmb": None, "2.albumin": None},
        findings=["outside the plausible range"],
        finding_rows={"outside the plausible range": 3},
    )
    drugs = [
        "Pembrolizumab",
        "nivolumab",
        "Atezolizumab",
        "durvalumab",
        "cemiplimab",
        "avelumab",
        "dostarlimab",
        "ipilimumab",
        "Ipilimumab + Nivolumab",
        "ipi/nivo",
        "tremelimumab + durvalumab",
        "Keytruda",
    ]
    write(
        "19_drug_names.csv",
        csv(HUMAN.assign(Drug=drugs)),
        **ok12,
        values={
            "0.drug_class": "PD-1/PD-L1",
            "6.drug_class": "PD-1/PD-L1",
            "7.drug_class": "CTLA-4",
            "8.drug_class": "Combination",
            "9.drug_class": "Combination",
            "10.drug_class": "Combination",
        },
    )
    types = [
        "non-small cell lung cancer",
        "Lung adenocarcinoma",
        "urothelial carcinoma",
        "RCC",
        "HNSCC",
        "small cell lung cancer",
        "Cutaneous melanoma",
        "colon adenocarcinoma",
        "Hepatocellular carcinoma",
        "Glioblastoma",
        "Head & Neck",
        "gastric",
    ]
    write(
        "20_cancer_type_synonyms.csv",
        csv(HUMAN.assign(**{"Cancer type": types})),
        **ok12,
        values={
            "0.cancer_type": "NSCLC",
            "1.cancer_type": "NSCLC",
            "2.cancer_type": "Bladder",
            "3.cancer_type": "Renal",
            "4.cancer_type": "Head & Neck",
            "5.cancer_type": "SCLC",
            "6.cancer_type": "Melanoma",
            "7.cancer_type": "Colorectal",
            "8.cancer_type": "Hepatobiliary",
            "9.cancer_type": "Other",
            "10.cancer_type": "Head & Neck",
            "11.cancer_type": "Gastric",
        },
        findings=["cancer type not among the 16 known"],
    )
    write(
        "21_response_recist.csv",
        csv(
            HUMAN.assign(
                **{
                    "Best response": [
                        "CR",
                        "PR",
                        "SD",
                        "PD",
                        "NE",
                        "Complete response",
                        "progressive disease",
                        "responder",
                        "non-responder",
                        "",
                        "pr",
                        "sd",
                    ]
                }
            )
        ),
        **ok12,
        values={
            "0.response": 1,
            "1.response": 1,
            "2.response": 0,
            "3.response": 0,
            "4.response": None,
            "5.response": 1,
            "6.response": 0,
            "7.response": 1,
            "8.response": 0,
            "9.response": None,
        },
        findings=["response not evaluable"],
    )
    write(
        "22_yes_no_variants.csv",
        csv(
            HUMAN.assign(
                **{"Prior chemo": ["Y", "N", "yes", "no", "1", "0", "TRUE", "false", "Yes", "No", "y", "maybe"]}
            )
        ),
        **ok12,
        values={
            "0.prior_systemic_therapy": "yes",
            "1.prior_systemic_therapy": "no",
            "6.prior_systemic_therapy": "yes",
            "11.prior_systemic_therapy": None,
        },
        findings=["not a recognised value"],
    )
    write(
        "23_sex_variants.csv",
        csv(HUMAN.assign(Sex=["F", "M", "female", "male", "Female", "Male", "f", "m", "F", "M", "woman", "man"])),
        **ok12,
        values={"0.sex": "female", "1.sex": "male", "10.sex": "female"},
    )
    write(
        "24_stage_variants.csv",
        csv(
            HUMAN.assign(
                Stage=["Stage IV", "IV", "4", "III", "stage 2", "IVB", "Stage IIIA", "1", "IV", "IV", "iv", "M1"]
            )
        ),
        **ok12,
        values={
            "0.stage": "IV",
            "2.stage": "IV",
            "3.stage": "I-III",
            "4.stage": "I-III",
            "5.stage": "IV",
            "7.stage": "I-III",
        },
    )
    write(
        "25_msi_variants.csv",
        csv(
            HUMAN.assign(
                **{
                    "MSI status": [
                        "MSI-H",
                        "MSS",
                        "dMMR",
                        "pMMR",
                        "MSI-high",
                        "MSI-L",
                        "stable",
                        "unstable",
                        "",
                        "MSS",
                        "MSS",
                        "MSS",
                    ]
                }
            )
        ),
        **ok12,
        values={"0.msi": "MSI-H", "1.msi": "MSS", "2.msi": "MSI-H", "3.msi": "MSS", "8.msi": None},
    )
    write(
        "26_duplicate_ids.csv",
        csv(HUMAN.assign(**{"Patient ID": ["A", "B", "A"] + [f"C{i}" for i in range(9)]})),
        **ok12,
        values={"0.patient_id": "A", "2.patient_id": "A#2"},
        findings=["duplicate patient id"],
        unique_ids=True,
    )
    write(
        "27_blank_ids.csv",
        csv(HUMAN.assign(**{"Patient ID": [""] + [f"C{i}" for i in range(11)]})),
        **ok12,
        values={"0.patient_id": "row-2"},
        findings=["blank patient id"],
        unique_ids=True,
    )
    write(
        "28_no_id_column.csv",
        csv(HUMAN.drop(columns=["Patient ID"])),
        **ok12,
        values={"0.patient_id": "P01", "11.patient_id": "P12"},
        findings=["no patient id column"],
        unique_ids=True,
    )
    write(
        "29_hospital_subset.csv",
        csv(HUMAN[["Patient ID", "TMB (mut/Mb)", "Age", "Cancer type"]]),
        **ok12,
        absent=["hed", "hla_loh", "fcna", "albumin"],
        findings=["features absent from the cohort"],
    )
    write(
        "30_extra_columns.csv",
        csv(HUMAN.assign(**{"Referring physician": "Dr X", "Trial arm": "B"})),
        **ok12,
        unmapped=["Referring physician", "Trial arm"],
    )
    parquet = io.BytesIO()
    HUMAN.to_parquet(parquet, index=False)
    write("31_parquet.parquet", parquet.getvalue(), **ok12, values={"0.tmb": 32.5, "0.sex": "female"})
    write(
        "32_messy_headers.csv",
        csv(
            HUMAN.rename(
                columns={
                    "TMB (mut/Mb)": "  tmb  ",
                    "Albumin (g/dL)": "ALBUMIN",
                    "Age": "Age (years)",
                    "Cancer type": "cancer_type",
                    "Best response": "Best Overall Response",
                }
            )
        ),
        **ok12,
        mapped={
            "tmb": "tmb",
            "ALBUMIN": "albumin",
            "Age (years)": "age",
            "cancer_type": "cancer_type",
            "Best Overall Response": "response",
        },
    )
    write(
        "33_thousands_separator.csv",
        csv(HUMAN.assign(Platelets=[f"{int(v * 1000):,}" for v in HUMAN["Platelets"]])),
        **ok12,
        values={"0.platelets": 198.0},
    )
    write(
        "34_cbioportal_survival.csv",
        csv(
            HUMAN.assign(
                **{
                    "OS_MONTHS": RAW["OS_Months"].round(2),
                    "OS_STATUS": RAW["OS_Event"].map({1: "1:DECEASED", 0: "0:LIVING"}),
                }
            )
        ),
        **ok12,
        values={"0.os_event": 0, "0.os_months": round(RAW["OS_Months"][0], 2)},
    )
    write("35_blank_lines_and_trailing.csv", csv(HUMAN).replace("\n", "\n\n", 3) + "\n\n", **ok12)
    hospital = HUMAN.drop(columns=["HED", "HLA LOH", "FCNA"]).astype(object)
    hospital["Albumin (g/dL)"] = (HUMAN["Albumin (g/dL)"] * 10).astype(object)
    hospital = hospital.rename(columns={"Albumin (g/dL)": "Albumin", "Cancer type": "Diagnosis", "Drug": "ICI regimen"})
    hospital["Diagnosis"] = types
    hospital["ICI regimen"] = drugs
    hospital.loc[0, "TMB (mut/Mb)"] = "pending"
    write(
        "36_messy_hospital_export.xlsx",
        xlsx(
            {"README": pd.DataFrame({"about": ["export of the ICI registry"]}), "Patients": hospital},
            header_offset=2,
            titles=["ICI registry export", "confidential"],
        ),
        **ok12,
        sheet="Patients",
        header_row=3,
        values={"0.tmb": None, "0.albumin": 4.3, "9.cancer_type": "Other", "8.drug_class": "Combination"},
        absent=["hed", "hla_loh", "fcna"],
        findings=["text in a number column", "unit from the values: g/L"],
    )
    hostile_files()
    write("40_empty.csv", b"", ok=False, error="empty")
    write("41_header_only.csv", ",".join(HUMAN.columns) + "\n", ok=False, error="no patient rows")
    write("42_binary_garbage.csv", bytes(range(256)) * 20, ok=False, error="not a text table")
    write("43_no_known_columns.csv", "colour,shoe size\nred,42\nblue,38\n", ok=False, error="no column was recognised")
    write("44_old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ok=False, error=".xls")
    write("45_damaged.xlsx", b"PK\x03\x04" + b"garbage" * 50, ok=False, error="damaged")
    write(
        "46_ragged_rows.csv",
        csv(HUMAN) + "MRN-9,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22\n",
        ok=False,
        error="as many cells as the header",
    )
    (OUT.parent / "expected.json").write_text(json.dumps(EXPECTED, indent=1, default=float) + "\n")


if __name__ == "__main__":
    build()
    print(f"{len(EXPECTED)} files written to {OUT}")
