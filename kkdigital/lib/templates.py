"""Django's template engine, with each render's context let go of at once.

A template context is a reference cycle: ``Context.push`` gives each pushed dict a
reference back to the context (for ``with context.push():``). After a render,
everything the context holds (the view's rows, forms, model instances) is freed
only when the garbage collector next runs, and the bigger pages left thousands of
objects a request for it (the follow-up round's page 7.000, the board 11.000):
a collection of some 20 ms every few requests. Emptying the context's stack once
the text is written breaks the cycle; the text is all a render returns.
"""

from django.template import TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates as DjangoBackend
from django.template.backends.django import Template as DjangoTemplate
from django.template.backends.django import reraise
from django.template.context import make_context


class Template(DjangoTemplate):
    def render(self, context=None, request=None):
        context = make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            return self.template.render(context)
        except TemplateDoesNotExist as exc:
            reraise(exc, self.backend)
        finally:
            context.dicts.clear()


class DjangoTemplates(DjangoBackend):
    """``django.template.backends.django.DjangoTemplates`` with ``Template`` above."""

    def from_string(self, template_code):
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name):
        try:
            return Template(self.engine.get_template(template_name), self)
        except TemplateDoesNotExist as exc:
            reraise(exc, self)
