"""A case's budget note as PDF: what it says and who may download it."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from governance.notes.context import note_code
from kkdigital.lib.money import format_thousands
from portfolio.models import CaseState, EconomyKind

from .factories_notes import complete_case


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def case(department, other_department, cycle):
    return complete_case(
        department=department, cycle=cycle, state=CaseState.FORWARDED,
        participants=[other_department],
    )


def url(case):
    return reverse("governance:case-note", args=[case.pk])


@pytest.mark.django_db
def test_the_note_holds_code_title_anchoring_and_the_economy_of_the_database(client, staff, case):
    client.force_login(staff)
    response = client.get(url(case))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    code = note_code(case)
    assert f"{code}. Fælles booking af lokaler" in text
    for words in (
        "Københavns Kommune", "Økonomiforvaltningen", "Budget 2027", "BUDGETNOTAT",
        "Indstilling", "Baggrund og problem", "Løsning", "Strategisk forankring",
        "Brugervenlighed", "Digitale løsninger skal være enkle og intuitive.",
        "Værdi ved at investere fælles først", "Én løsning for alle syv forvaltninger.",
        "Effektivisering af administrationen", "Styringsområde",
        "1.000 kr., 2027 p/l", "Samlede implementeringsomkostninger",
        "Samlet økonomisk påvirkning", "Varig", "Risiko", "Deltagende forvaltninger",
        "Sundheds- og Omsorgsforvaltningen", "Mette Holm", "Side 1 af",
        "Planversion: Arbejdsversion (ikke frosset)",
    ):
        assert words in text, words
    lines = list(case.economy_lines.all())
    implementation = sum(
        line.amount for line in lines
        if line.kind in (EconomyKind.INVESTMENT, EconomyKind.RETENDER) and line.year
    )
    net = sum(line.amount for line in lines if line.year)
    assert format_thousands(implementation) == "3.650"
    assert format_thousands(implementation) in text
    assert format_thousands(net) in text  # 1.050
    assert "2.400" in text and "-2.000" in text
    assert "Tilbagebetalingstid: 5 år." in text


@pytest.mark.django_db
def test_the_note_is_a_tagged_pdf_for_screen_readers(client, secretariat, case):
    client.force_login(secretariat)
    reader = PdfReader(io.BytesIO(client.get(url(case)).content))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "da"


@pytest.mark.django_db
def test_the_archive_variant_is_pdf_a(client, secretariat, case):
    client.force_login(secretariat)
    data = client.get(url(case) + "?variant=archive").content
    reader = PdfReader(io.BytesIO(data))
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in metadata
    assert "/StructTreeRoot" in reader.trailer["/Root"]


@pytest.mark.django_db
def test_anonymous_users_log_in_first(client, case):
    response = client.get(url(case))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_readers_of_the_case_download_its_note(client, case, staff, director, secretariat,
                                                committee_reader):
    for user in (staff, director, secretariat, committee_reader):
        client.force_login(user)
        assert client.get(url(case)).status_code == 200, user


@pytest.mark.django_db
def test_a_participating_department_reads_the_case_but_does_not_get_its_note(
    client, case, outsider
):
    client.force_login(outsider)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert client.get(url(case)).status_code == 403


@pytest.mark.django_db
def test_another_department_never_sees_a_draft_note(client, department, cycle, outsider):
    draft = complete_case(department=department, cycle=cycle, state=CaseState.DRAFT)
    client.force_login(outsider)
    assert client.get(url(draft)).status_code == 404


@pytest.mark.django_db
def test_committee_readers_get_only_cases_before_the_committee(
    client, department, cycle, committee_reader
):
    qualified = complete_case(department=department, cycle=cycle, state=CaseState.QUALIFIED)
    client.force_login(committee_reader)
    assert client.get(url(qualified)).status_code == 404


@pytest.mark.django_db
def test_the_case_page_links_to_the_note_for_those_who_may_download_it(
    client, case, staff, outsider
):
    client.force_login(staff)
    assert url(case) in client.get(case.get_absolute_url()).content.decode()
    client.force_login(outsider)
    assert url(case) not in client.get(case.get_absolute_url()).content.decode()
