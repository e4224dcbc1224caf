"""Pages answer a conditional GET: an ETag on every HTML page, and 304 Not Modified when the copy
the phone holds is the page the server would send (decision 0156).

The service worker keeps each page a cadre opens and asks again with `If-None-Match` when she
opens it with a signal: an unchanged page then costs a few hundred bytes of headers instead of the
page. Freshness is whole: the server renders the page as always and compares what it wrote.

Two things in a page differ on every response without changing it, and are left out of the
digest: the Content-Security-Policy nonce (the kept copy keeps its own nonce with the header that
names it: the service worker answers with the kept response, headers and all) and the CSRF token,
masked afresh each time (any masking of the same secret is accepted, so the kept copy's token
stays valid). The digest covers instead the CSRF secret itself and the user: after a new login
(a new secret) or for another person, the page is sent again.
"""

import hashlib
import re

from django.middleware import csrf
from django.utils.cache import get_conditional_response
from django.utils.crypto import constant_time_compare

# Django's own unmasking of its tokens (no public name; the stubs do not list it): a token is
# left out of the digest only if it is this request's secret, masked.
_unmask = csrf._unmask_cipher_token  # type: ignore[attr-defined]
# A masked CSRF token as Django writes it (letters and digits), standing alone.
_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{%d}(?![A-Za-z0-9])" % csrf.CSRF_TOKEN_LENGTH)


class PageETagMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method not in ("GET", "HEAD")
            or response.status_code != 200
            or response.streaming
            or response.has_header("ETag")
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        return answer_conditionally(request, response, page_etag(request, response.content))


def answer_conditionally(request, response, etag: str | None = None):
    """`response` with its ETag (by default a digest of its bytes), or a 304 Not Modified in its
    place when the request's `If-None-Match` names it."""
    if etag is None:
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
    response["ETag"] = etag
    return get_conditional_response(request, etag=etag, response=response) or response


def page_etag(request, content: bytes) -> str:
    """The page's validator: its bytes less the per-response nonce and CSRF masking, with the
    CSRF secret and the user they were written for."""
    secret = request.META.get("CSRF_COOKIE") or ""
    nonce = getattr(request, "_csp_nonce", None)  # django-csp's, when the page used one
    if isinstance(nonce, str) and nonce:
        content = content.replace(nonce.encode(), b"")

    def unmasked(match: re.Match) -> bytes:
        token = _unmask(match.group().decode())
        return b"" if secret and constant_time_compare(token, secret) else match.group()

    content = _TOKEN.sub(unmasked, content)
    user = getattr(request, "user", None)
    digest = hashlib.sha256()
    for part in (secret.encode(), str(getattr(user, "pk", "") or "").encode(), content):
        digest.update(hashlib.sha256(part).digest())
    return f'"{digest.hexdigest()[:32]}"'
