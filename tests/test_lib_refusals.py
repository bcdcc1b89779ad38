"""Every view shows a refused service the same way: the message at the top, each
problem next to its field, problems without a field in the form's summary."""

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from governance.services.cycles import CycleError
from governance.services.decisions import MeetingError
from governance.services.workflow import TransitionError
from kkdigital.lib.errors import ServiceError
from kkdigital.lib.refusals import report_refusal


class CommentForm(forms.Form):
    comment = forms.CharField(required=False)


class AmountForm(forms.Form):
    amount = forms.CharField(required=False)


def request():
    req = RequestFactory().post("/")
    req.session = {}
    req._messages = FallbackStorage(req)
    return req


def texts(req):
    return [str(m) for m in get_messages(req)]


def test_every_service_error_is_a_service_error():
    for error in (TransitionError, CycleError, MeetingError):
        assert issubclass(error, ServiceError)


def test_the_message_goes_to_the_top_and_the_problems_to_their_fields():
    req, form = request(), CommentForm({"comment": ""})
    form.is_valid()
    refusal = TransitionError(
        "Sagen er ikke færdig.",
        problems={"comment": ["Skriv en kommentar."], "themes": ["Vælg et tema."]},
    )
    report_refusal(req, refusal, form)
    assert texts(req) == ["Sagen er ikke færdig."]
    assert form.errors["comment"] == ["Skriv en kommentar."]
    assert form.non_field_errors() == ["Vælg et tema."]


def test_a_problem_lands_on_the_form_that_has_its_field():
    req, first, second = request(), CommentForm({}), AmountForm({})
    first.is_valid(), second.is_valid()
    report_refusal(req, ValidationError({"amount": ["For stort."]}), first, second)
    assert second.errors["amount"] == ["For stort."]
    assert not first.errors
    assert texts(req) == ["Intet blev gemt: ret de markerede felter."]


def test_without_a_form_every_problem_is_a_message():
    req = request()
    report_refusal(req, CycleError("Budget 2028 findes allerede.", {"year": ["Et andet år."]}))
    assert texts(req) == ["Budget 2028 findes allerede.", "Et andet år."]
