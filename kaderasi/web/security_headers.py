"""Security headers on every response (issue 14, build 10).

- `Permissions-Policy`: kaderasi uses no camera, microphone, location, motion sensors, payment or
  USB, so a page (or a script injected into one) may not ask for them.
- `Cache-Control: no-store` on what a logged-in user gets and on every API answer (mothers'
  names, NIKs, phone numbers, exports): no shared or browser cache keeps it after she logs out
  on a phone she shares. A response that chose its own caching (the offline app's files, static
  files, public reference ranges) keeps it. The service worker's own store (Cache Storage) is not
  an HTTP cache and still keeps the offline app's pages.

Content-Security-Policy is set by django-csp (settings.CONTENT_SECURITY_POLICY), with a nonce on
every page (docs/security.md)."""

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        personal = (user is not None and user.is_authenticated) or request.path.startswith("/api/")
        if personal and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "no-store"
        return response
