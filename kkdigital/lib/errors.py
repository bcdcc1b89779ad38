"""The one base error of every service in the project.

A service that refuses raises :class:`ServiceError` (or a subclass) with a Danish
message for the page and, where the refusal belongs to particular fields, the
problems by field, so that a view can put each message next to its field and keep
the user's input. Nothing is written when a service raises: services run inside
``transaction.atomic``.
"""


class ServiceError(Exception):
    """A service refused; ``message`` is for the person, ``problems`` maps a field
    name to its messages (empty when the refusal is about the whole request)."""

    def __init__(self, message, problems: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = dict(problems or {})

    def __str__(self):
        return str(self.message)
