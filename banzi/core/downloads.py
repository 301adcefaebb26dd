"""Telling the page that a file it asked for is on its way.

A download leaves the page as it is, so the page cannot see the answer arrive: the button that asked
would show its spinner forever. Every answer that is a file (`Content-Disposition: attachment`)
therefore sets a fresh random value in the `banzi_download` cookie; the page's script
(`banzi/static/js/banzi.js`, "busy") notes the value when a button starts something and ends the busy
state when the value changes.

The cookie holds nothing but a random value: no session, no user, nothing a script could misuse. It
is readable by script (that is its purpose), sent to this site only, and expires after a minute.
"""
import secrets

from django.conf import settings

COOKIE = "banzi_download"
MAX_AGE = 60


class DownloadCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_attachment(response):
            response.set_cookie(COOKIE, secrets.token_hex(8), max_age=MAX_AGE, samesite="Strict",
                                secure=settings.SESSION_COOKIE_SECURE, httponly=False)
        return response


def is_attachment(response):
    return response.get("Content-Disposition", "").lstrip().lower().startswith("attachment")
