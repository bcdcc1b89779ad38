"""Site-wide middleware."""


class DanishByDefaultMiddleware:
    """Serve Danish unless the user chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; KK's
    staff often run English-language browsers, yet the product speaks Danish.
    The choice made with the switch lives in the language cookie and still wins.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
