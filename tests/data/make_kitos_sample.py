"""Make the anonymised KITOS sample exports used by the register tests.

Run from the repository root:  .venv/bin/python tests/data/make_kitos_sample.py

The files follow KITOS's Excel exports (the system-usage overview and the
contract overview): one sheet, the header in row 1 with KITOS's Danish column
titles, one row per system usage or contract. All names, suppliers and
figures are invented; the UUIDs are fixed so that re-imports can be tested.
"""

import datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FIXED = datetime.datetime(2026, 11, 1, 8, 0, 0)

UNIT_BIF = "Beskæftigelses- og Integrationsforvaltningen"
UNIT_BIF_JC = "Jobcenter København"
UNIT_SUF = "Sundheds- og Omsorgsforvaltningen"


def system_uuid(n: int) -> str:
    return f"5a1e0000-0000-4000-8000-{n:012d}"


def contract_uuid(n: int) -> str:
    return f"c0de0000-0000-4000-8000-{n:012d}"


SYSTEM_HEADER = [
    "IT System", "IT-System (UUID)", "Ansv. organisationsenhed", "Livscyklus",
    "Forretningskritisk IT-system", "Leverandør", "Antal brugere", "Formål", "IT Kontrakter",
]
SYSTEMS = [
    ("Sagsbehandlingssystem A", 1, UNIT_BIF, "I drift", "Ja", "Leverandør Alfa A/S", ">100",
     "Sagsbehandling af ydelser", "Driftsaftale sagsbehandling"),
    ("Booking af samtaler", 2, UNIT_BIF_JC, "I drift", "Nej", "Leverandør Beta ApS", "50-100",
     "Borgerne booker samtaler", "Driftsaftale sagsbehandling"),
    ("Gammelt dokumentarkiv", 3, UNIT_BIF, "Under udfasning", "Nej", "Leverandør Gamma A/S",
     "10-50", "Arkiv over afsluttede sager", ""),
    ("Omsorgsjournal", 4, UNIT_SUF, "I drift", "Ja", "Leverandør Delta A/S", ">100",
     "Journal i hjemmeplejen", "Omsorgskontrakt"),
    ("Ruteplanlægning", 5, UNIT_SUF, "Under indfasning", "Ved ikke", "Leverandør Delta A/S",
     "10-50", "Planlægning af ruter", "Omsorgskontrakt"),
    ("Velfærdsteknologisk platform", 6, UNIT_SUF, "Under afprøvning", "Nej",
     "Leverandør Epsilon", "<10", "Afprøvning af sensorer", ""),
    ("Lokalt regneark-system", 7, UNIT_BIF, "Ikke i drift", "Nej", "", "<10",
     '=HYPERLINK("http://example.invalid","Afløst")', ""),
    ("Fælles mødebooking", 8, UNIT_SUF, "I drift", "Nej", "Leverandør Beta ApS", ">100",
     "Booking af mødelokaler", ""),
]

CONTRACT_HEADER = [
    "IT Kontrakt", "IT Kontrakt (UUID)", "Kontrakt ID", "Ansvarlig org. enhed", "Leverandør",
    "Gyldig fra", "Gyldig til", "Uopsigelig til", "Opsigelse (måneder)", "Option",
    "Genanskaffelsesstrategi", "Genanskaffelsesplan", "Genanskaffelse igangsat", "Drift/år",
    "Anskaffelse", "IT Systemer (UUID)",
]
D = datetime.datetime
CONTRACTS = [
    # name, n, id, unit, supplier, from, to, irrevocable, notice, option, strategy, plan,
    # initiated, operating/year, acquisition, systems
    ("Driftsaftale sagsbehandling", 1, "KK-2019-0042", UNIT_BIF, "Leverandør Alfa A/S",
     D(2019, 7, 1), D(2028, 6, 30), None, 6, "2 x 12 måneder", "Udbud", "Q3 | 2027", "Nej",
     2_400_000, 9_500_000, f"{system_uuid(1)}, {system_uuid(2)}"),
    ("Omsorgskontrakt", 2, "KK-2021-0107", UNIT_SUF, "Leverandør Delta A/S",
     D(2021, 1, 1), D(2027, 12, 31), D(2028, 12, 31), 3, "", "SKI-aftale", "Q1 | 2027", "Ja",
     3_100_000, 12_000_000, f"{system_uuid(4)};{system_uuid(5)}"),
    ("Arkivlicens", 3, "KK-2016-0003", UNIT_BIF, "Leverandør Gamma A/S",
     D(2016, 1, 1), D(2029, 12, 31), None, None, "", "", "", "", 180_000, None,
     system_uuid(3)),
    ("Sensorafprøvning", 4, "", UNIT_SUF, "Leverandør Epsilon",
     D(2025, 3, 1), None, None, None, "", "", "", "", 250_000, 400_000, system_uuid(6)),
    ("Mødebooking rammeaftale", 5, "KK-2023-0311", UNIT_SUF, "Leverandør Beta ApS",
     D(2023, 5, 1), D(2031, 4, 30), D(2026, 4, 30), 12, "1 x 24 måneder", "Udbud",
     "Q2 | 2029", "Nej", 600_000, 1_200_000, system_uuid(8)),
]


def workbook(header, rows):
    wb = openpyxl.Workbook()
    wb.properties.created = wb.properties.modified = FIXED
    wb.properties.creator = "KITOS"
    sheet = wb.active
    sheet.title = "Export"
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    # A text that starts like a formula stays text in the file (as KITOS writes
    # it); exports must neutralise it.
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    return wb


def system_rows():
    for name, n, unit, life, critical, supplier, users, purpose, contracts in SYSTEMS:
        yield (name, system_uuid(n), unit, life, critical, supplier, users, purpose, contracts)


def contract_rows():
    for row in CONTRACTS:
        (name, n, cid, unit, supplier, valid_from, valid_to, irrevocable, notice, option,
         strategy, plan, initiated, operating, acquisition, systems) = row
        yield (name, contract_uuid(n), cid, unit, supplier, valid_from, valid_to, irrevocable,
               notice, option, strategy, plan, initiated, operating, acquisition, systems)


def main():
    workbook(SYSTEM_HEADER, system_rows()).save(HERE / "kitos_systemer.xlsx")
    workbook(CONTRACT_HEADER, contract_rows()).save(HERE / "kitos_kontrakter.xlsx")


if __name__ == "__main__":
    main()
