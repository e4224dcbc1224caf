"""The JSON API (django-ninja): thin operations over tokens.py, pull.py, push.py."""

import logging
import uuid

from auditlog.context import set_actor
from django.contrib.auth import authenticate
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from kaderasi.accounts import two_factor
from kaderasi.accounts.login_throttle import lockout_message
from kaderasi.api import login_guard
from kaderasi.api.auth import DeviceTokenAuth, SessionAuth
from kaderasi.api.errors import ApiErrorCode
from kaderasi.api.pull import mother_record, sync_pull
from kaderasi.api.push import sync_push
from kaderasi.api.schemas import (
    DeviceTokenOut,
    ErrorsOut,
    MeOut,
    MotherDetailOut,
    PullOut,
    PushIn,
    PushOut,
    TokenIn,
    TokenOut,
)
from kaderasi.api.tokens import device_token_issue, device_token_revoke, device_tokens_visible_to
from kaderasi.api.validation_errors import field_errors
from kaderasi.care.models import Mother, ReadInterface
from kaderasi.care.read_audit import reads_record
from kaderasi.core import clock
from kaderasi.core.errors import DomainError

logger = logging.getLogger(__name__)

DESCRIPTION = """
The sync API of kaderasi's offline cadre app (and of any other client).

* Get a device token with `POST /auth/token`, then send `Authorization: Bearer <token>`.
  A logged-in browser may use its session instead (with the `X-CSRFToken` header on POST).
* `GET /sync/pull` returns what changed since your cursor; keep the new cursor.
* `POST /sync/push` sends up to 500 records; each answer is `created`, `duplicate` or `rejected`.
  Re-sending a record (same `id`) is always safe.
* Every error is `{"code", "message", "field"}`; `message` follows `Accept-Language` (id, en) or
  the user's preferred language.
"""

api = NinjaAPI(
    title="kaderasi API",
    version="1",
    description=DESCRIPTION,
    auth=[DeviceTokenAuth(), SessionAuth()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)

ERRORS = {400: ErrorsOut, 401: ErrorsOut, 403: ErrorsOut, 404: ErrorsOut, 422: ErrorsOut}


def _error(request, status: int, code, message, field=None, errors=None, headers=None):
    body = {"code": str(code), "message": str(message), "field": field, "errors": errors or []}
    response = api.create_response(request, body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    errors = field_errors(exc.errors)
    first = errors[0] if errors else {"code": "invalid", "message": _("Invalid request.")}
    return _error(request, 422, first["code"], first["message"], first.get("field"), errors)


@api.exception_handler(AuthenticationError)
def _not_authenticated(request, exc):
    return _error(
        request,
        401,
        ApiErrorCode.NOT_AUTHENTICATED,
        _("Log in again: send a valid device token or a session cookie."),
        headers={"WWW-Authenticate": 'Bearer realm="kaderasi"'},
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 403:
        return _error(
            request,
            403,
            ApiErrorCode.CSRF_FAILED,
            _("The page's security token is missing or old; reload the page."),
        )
    if exc.status_code == 400:
        return _error(request, 400, ApiErrorCode.INVALID, _("The request body is not JSON."))
    return _error(request, exc.status_code, ApiErrorCode.INVALID, _("Invalid request."))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, ApiErrorCode.NOT_FOUND, _("Not found."))


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    return _error(request, 400, exc.code, exc.message, exc.field)


@api.exception_handler(Exception)
def _server_error(request, exc):
    logger.exception("API error on %s", request.path)
    return _error(
        request,
        500,
        ApiErrorCode.SERVER_ERROR,
        _("Something went wrong on the server; your records are safe, try again later."),
    )


# --- auth ------------------------------------------------------------------------------------


@api.post(
    "/auth/token",
    auth=None,
    response={201: TokenOut, 400: ErrorsOut, 401: ErrorsOut, 422: ErrorsOut, 429: ErrorsOut},
    tags=["auth"],
    operation_id="auth_token",
    summary="Get a device token",
)
def auth_token(request, payload: TokenIn):
    """Exchange a username and password for a device token (shown once). Repeated wrong
    passwords from one address lock the account there for a while, on the web and here alike."""
    locked_out = login_guard.is_locked_out(request=request, username=payload.username)
    # authenticate() with the request even when locked out: the login throttle counts every
    # attempt on every way in alike (a locked-out one lengthens the wait) and refuses it.
    user = authenticate(request, username=payload.username, password=payload.password)
    if locked_out:
        seconds = login_guard.retry_after(request)
        return _error(
            request,
            429,
            ApiErrorCode.LOCKED_OUT,
            lockout_message(seconds),
            headers={"Retry-After": str(seconds)},
        )
    if user is None:
        return _error(
            request,
            401,
            ApiErrorCode.INVALID_CREDENTIALS,
            _("The username or the password is wrong."),
            "password",
        )
    if two_factor.is_enrolled(user) or two_factor.is_required(user):
        # A device token would skip the code: accounts with two-factor sign-in use the web.
        return _error(
            request,
            401,
            ApiErrorCode.INVALID_CREDENTIALS,
            _("This account signs in with a code on the web, not with the phone app."),
            "username",
        )
    login_guard.login_success_record(request=request, user=user)
    token, secret = device_token_issue(user=user, device_name=payload.device_name, now=clock.now())
    logger.info("device token issued for user %s", user.public_id)
    return Status(201, {"token": secret, "expires_at": token.expires_at})


@api.get(
    "/auth/tokens",
    response={200: list[DeviceTokenOut], **ERRORS},
    tags=["auth"],
    operation_id="auth_tokens_list",
    summary="My device tokens",
)
def auth_tokens_list(request):
    return [
        {
            "id": token.public_id,
            "device_name": token.device_name,
            "hint": token.hint,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "last_used_at": token.last_used_at,
            "revoked_at": token.revoked_at,
        }
        for token in device_tokens_visible_to(request.auth).filter(user=request.auth)
    ]


@api.delete(
    "/auth/tokens/{token_id}",
    response={204: None, **ERRORS},
    tags=["auth"],
    operation_id="auth_token_revoke",
    summary="Revoke one of my device tokens",
)
def auth_token_revoke(request, token_id: uuid.UUID):
    token = get_object_or_404(
        device_tokens_visible_to(request.auth).filter(user=request.auth), public_id=token_id
    )
    device_token_revoke(token=token, by=request.auth, now=clock.now())
    return Status(204, None)


@api.get(
    "/me", response={200: MeOut, **ERRORS}, tags=["auth"], operation_id="me", summary="Who am I"
)
def me(request):
    user = request.auth
    return {
        "id": user.public_id,
        "username": user.username,
        "name": user.get_full_name() or user.username,
        "role": user.role,
        "preferred_language": user.preferred_language,
    }


# --- sync ------------------------------------------------------------------------------------


@api.get(
    "/sync/pull",
    response={200: PullOut, **ERRORS},
    tags=["sync"],
    operation_id="sync_pull",
    url_name="sync-pull",
    summary="What changed since my cursor",
)
def pull(request, cursor: str | None = Query(default=None, max_length=4000)):
    """Without a cursor: everything you may see (a cadre: her clients only), with `reset`.
    With one: what changed since, and tombstones for mothers you may no longer see.
    While `has_more`, pull again at once with the new cursor."""
    result = sync_pull(user=request.auth, cursor=cursor, now=clock.now())
    sent = Mother.objects.filter(public_id__in=[row["id"] for row in result["mothers"]])
    reads_record(
        request,
        mother_ids=sent.values_list("pk", flat=True),
        interface=ReadInterface.API_PULL,
        by=request.auth,
    )
    return result


@api.post(
    "/sync/push",
    response={200: PushOut, **ERRORS},
    tags=["sync"],
    operation_id="sync_push",
    url_name="sync-push",
    summary="Send recorded sessions, measurements and registry edits",
)
def push(request, payload: PushIn):
    """One transaction for the batch. Per record, in order: `created`, `duplicate` (this id was
    already stored: nothing changes) or `rejected` with its errors (nothing stored for it).
    A registry edit based on an older version keeps its stale clinical fields as conflicts for
    the midwife (listed in `conflicts`)."""
    records = [
        {**record.model_dump(), "fields_set": record.model_fields_set} for record in payload.records
    ]
    with set_actor(request.auth):
        results = sync_push(user=request.auth, records=records, now=clock.now())
    logger.info(
        "push by user %s: %s records, %s created, %s rejected",
        request.auth.public_id,
        len(results),
        sum(r.status == "created" for r in results),
        sum(r.status == "rejected" for r in results),
    )
    return {"results": results}


@api.get(
    "/mothers/{mother_id}",
    response={200: MotherDetailOut, **ERRORS},
    tags=["sync"],
    operation_id="mother_detail",
    summary="One mother's record, as a pull sends it",
)
def mother_detail(request, mother_id: uuid.UUID):
    """A mother you may not see is a 404, exactly like one that does not exist."""
    record = mother_record(user=request.auth, public_id=mother_id, now=clock.now())
    if record is None:
        raise Http404
    reads_record(
        request,
        mother_ids=Mother.objects.filter(public_id=mother_id).values_list("pk", flat=True),
        interface=ReadInterface.API_MOTHER,
        by=request.auth,
    )
    return record
