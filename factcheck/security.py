"""What the Content-Security-Policy (django-csp, settings) allows beyond its default."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from django.conf import settings


class ThirdPartyPageStyles:
    """Middleware, inside django-csp's: the admin's and the API docs' templates are not
    ours and carry inline styles, so their pages allow 'unsafe-inline' styles. Scripts
    stay as strict there; the desk and the public pages allow neither."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(tuple(settings.FACTCHECK_CSP_INLINE_STYLE_PATHS)):
            response._csp_update = {"style-src": [UNSAFE_INLINE]}
        return response
