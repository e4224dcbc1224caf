"""Schema errors (pydantic's) as the API's `{"code", "message", "field"}`, translated."""

from django.utils.translation import gettext as _

from kaderasi.api.push import RECORD_TYPES

LOCATIONS = {"body", "query", "path", "header", "cookie", "form"}
BODY_PARAMETERS = {"payload"}


def field_path(location: tuple) -> str | None:
    """`records.3.volume_ml` from pydantic's ("body", "payload", "records", 3, "milk_volume",
    "volume_ml"): without the request part, the parameter name and the union's tag."""
    parts = list(location)
    if parts and parts[0] in LOCATIONS:
        parts = parts[1:]
    if parts and parts[0] in BODY_PARAMETERS:
        parts = parts[1:]
    cleaned = []
    for index, part in enumerate(parts):
        after_record_index = index >= 1 and isinstance(parts[index - 1], int)
        if after_record_index and part in RECORD_TYPES and index < len(parts) - 1:
            continue
        cleaned.append(str(part))
    return ".".join(cleaned) or None


def _message(error: dict, field: str | None) -> tuple[str, str]:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "required", _("This field is required.")
    if kind == "extra_forbidden":
        return "unknown_field", _("This field is not part of this record.")
    if kind in {"greater_than_equal", "greater_than"}:
        limit = ctx.get("ge", ctx.get("gt"))
        return "too_small", _("Must be at least %(limit)s.") % {"limit": limit}
    if kind in {"less_than_equal", "less_than"}:
        limit = ctx.get("le", ctx.get("lt"))
        return "too_large", _("Must be at most %(limit)s.") % {"limit": limit}
    if kind == "string_too_short":
        return "required", _("This field cannot be empty.")
    if kind == "string_too_long":
        return "too_long", _("At most %(max)s characters.") % {"max": ctx.get("max_length")}
    if kind == "too_long":
        if field == "records":
            return "batch_too_large", _("At most %(max)s records per push; send the rest next.") % {
                "max": ctx.get("max_length")
            }
        return "too_long", _("At most %(max)s items.") % {"max": ctx.get("max_length")}
    if kind.startswith("int_"):
        return "invalid_type", _("Enter a whole number.")
    if kind.startswith(("decimal_max_places", "decimal_whole_digits")):
        return "invalid_number", _("Enter a number with at most one decimal.")
    if kind.startswith(("decimal_", "float_")):
        return "invalid_type", _("Enter a number.")
    if kind == "timezone_aware":
        return "naive_datetime", _("Give the time with its time zone, e.g. 2026-11-29T09:00+07:00.")
    if kind.startswith("datetime_"):
        return "invalid_datetime", _("Enter a date and time, e.g. 2026-11-29T09:00+07:00.")
    if kind.startswith("date_"):
        return "invalid_date", _("Enter a date, e.g. 2026-11-29.")
    if kind.startswith("uuid_"):
        return "invalid_uuid", _("Enter a UUID.")
    if kind in {"literal_error", "enum"}:
        return "not_a_choice", _("Must be one of: %(expected)s.") % {
            "expected": ctx.get("expected", "")
        }
    if kind == "union_tag_invalid":
        return "unknown_type", _("Unknown record type; expected one of: %(expected)s.") % {
            "expected": ", ".join(RECORD_TYPES)
        }
    if kind == "union_tag_not_found":
        return "required", _("Every record needs a type.")
    if kind.startswith("bool_"):
        return "invalid_type", _("Enter true or false.")
    if kind.startswith("string_"):
        return "invalid_type", _("Enter text.")
    if kind.startswith("list_"):
        return "invalid_type", _("Enter a list.")
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "invalid_type", _("Enter an object.")
    return "invalid", _("This value is not valid.")


def field_errors(errors: list[dict]) -> list[dict]:
    """One `{"code", "message", "field"}` per schema error, in the order pydantic found them."""
    result = []
    for error in errors:
        field = field_path(tuple(error.get("loc", ())))
        if error.get("type") == "union_tag_invalid" or error.get("type") == "union_tag_not_found":
            field = f"{field}.type" if field else "type"
        code, message = _message(error, field)
        result.append({"code": code, "message": str(message), "field": field})
    return result
