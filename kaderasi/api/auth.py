"""How API requests are authenticated: a device token, or the browser's session with CSRF."""

from django.conf import settings
from django.utils import translation
from ninja.security import APIKeyCookie, HttpBearer

from kaderasi.api.tokens import device_token_authenticate
from kaderasi.core import clock


def use_language_of(request, user) -> None:
    """Answer in the user's preferred language unless the request asks for one."""
    if "HTTP_ACCEPT_LANGUAGE" not in request.META and user.preferred_language:
        translation.activate(user.preferred_language)
        request.LANGUAGE_CODE = user.preferred_language


class DeviceTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` with a token from POST /api/v1/auth/token."""

    def authenticate(self, request, token):
        user = device_token_authenticate(secret=token, now=clock.now())
        if user is None:
            return None
        request.user = user
        use_language_of(request, user)
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser (the offline app's sync): Django's session cookie, and for unsafe
    methods the CSRF token in the X-CSRFToken header. Without a session cookie this auth does not
    apply at all, so a token client never meets a CSRF error."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.COOKIES.get(self.param_name):
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        if key and request.user.is_authenticated:
            use_language_of(request, request.user)
            return request.user
        return None
