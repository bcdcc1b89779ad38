"""Every filter of the audit log is read through its form: input it cannot use gives
the page with a Danish message next to the field, never a server error (issue 8)."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/proces/revisionslog/"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"case": "99999999999999999999"}, "case", "Der findes ingen sag med det nummer."),
        ({"case": "0"}, "case", "Der findes ingen sag med det nummer."),
        ({"date_to": "9999-12-31"}, "date_to", "Vælg en dato fra 01/01/2000 til 31/12/2099."),
        ({"date_from": "0001-01-01"}, "date_from", "Vælg en dato fra 01/01/2000 til 31/12/2099."),
        ({"cycle": "99999999999999999999"}, "cycle", "Marker en gyldig valgmulighed"),
        ({"user": "99999999999999999999"}, "user", "Marker en gyldig valgmulighed"),
        ({"department": "99999999999999999999"}, "department", "Marker en gyldig valgmulighed"),
        ({"date_to": "i morgen"}, "date_to", "Skriv datoen som dd/mm/åååå"),
    ],
)
def test_a_filter_it_cannot_use_is_explained_next_to_its_field(
    client, cycle, secretariat, params, field, message
):
    client.force_login(secretariat)

    response = client.get(URL, params)
    export = client.get(URL, {**params, "format": "csv"})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'id="id_{field}-error"' in html
    assert f'aria-describedby="id_{field}-error' in html
    assert list(response.context["page"].object_list) == []
    # The export does not hand out a file for a filter it could not read: the page explains.
    assert export.status_code == 200 and not export.streaming
    assert message in export.content.decode()


def test_a_huge_page_number_shows_the_last_page(client, cycle, secretariat):
    client.force_login(secretariat)
    assert client.get(URL, {"page": "99999999999999999999"}).status_code == 200


def test_the_widest_dates_it_accepts_still_work(client, cycle, secretariat):
    client.force_login(secretariat)
    response = client.get(URL, {"date_from": "2000-01-01", "date_to": "2099-12-31"})
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert len(response.context["page"].object_list) == 7  # the cycle's phases


def test_dates_are_typed_as_the_app_writes_them(client, cycle, secretariat):
    client.force_login(secretariat)
    response = client.get(URL, {"date_from": "01/03/2026", "date_to": "31.12.2026"})
    html = response.content.decode()
    assert not response.context["form"].errors
    assert 'value="01/03/2026"' in html and 'value="31/12/2026"' in html
    assert "Skriv datoen som dd/mm/åååå, for eksempel 10/09/2027." in html
