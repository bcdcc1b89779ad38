"""One save of a case is one history version, many-to-many links included."""

from portfolio.models import InvestmentCase
from portfolio.services import CaseData, case_create, case_update

from .factories import DepartmentFactory, PotentialFactory, ThemeFactory


def test_an_edit_touching_three_link_fields_writes_one_version(staff, cycle, other_department):
    case = case_create(actor=staff, cycle=cycle, data=CaseData(fields={"title": "Ny løsning"}))
    assert case.history.count() == 1
    theme, potential = ThemeFactory(), PotentialFactory()
    third = DepartmentFactory(code="TMF", name="Teknik- og Miljøforvaltningen", note_prefix="TM")
    case_update(
        actor=staff, case_pk=case.pk, expected_version=case.version,
        data=CaseData(
            fields={"title": "Ny løsning, rettet"},
            participating_departments=[other_department.pk, third.pk],
            themes=[theme.pk], potentials=[potential.pk],
        ),
    )
    case = InvestmentCase.objects.get(pk=case.pk)
    assert case.history.count() == 2
    latest = case.history.latest()
    assert latest.history_type == "~"
    assert latest.title == "Ny løsning, rettet"
    assert latest.history_user == staff
    assert set(latest.participating_departments.values_list("department_id", flat=True)) == {
        other_department.pk, third.pk}
    assert list(latest.themes.values_list("theme_id", flat=True)) == [theme.pk]
    assert list(latest.potentials.values_list("potential_id", flat=True)) == [potential.pk]


def test_a_new_case_with_links_is_one_created_version(staff, cycle):
    theme = ThemeFactory()
    case = case_create(actor=staff, cycle=cycle,
                       data=CaseData(fields={"title": "Ny løsning"}, themes=[theme.pk]))
    record = case.history.get()
    assert record.history_type == "+"
    assert list(record.themes.values_list("theme_id", flat=True)) == [theme.pk]
