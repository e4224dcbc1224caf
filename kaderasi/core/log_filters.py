"""Access logs without search terms: a request line's query string can carry a mother's name, NIK
or phone number (the village list's search is a GET, so that it can be bookmarked and the back
button works), so the development server's and gunicorn's access logs write `?[redacted]`
instead (docs/privacy.md). Attached to those loggers by CoreConfig.ready."""

import logging
import re

ACCESS_LOGGERS = ("django.server", "gunicorn.access")
_QUERY = re.compile(r"\?[^\s\"]*")
REDACTED = "?[redacted]"


def without_query(text: str) -> str:
    return _QUERY.sub(REDACTED, text)


class QueryStringRedactor(logging.Filter):
    """Drops the query string from a request line, wherever the logger put it: in the message,
    in its positional arguments (Django's server), or in gunicorn's atoms (`r`, `q`, referer)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = without_query(record.msg)
        if isinstance(record.args, dict):
            record.args = {
                key: (
                    ""
                    if key == "q"
                    else without_query(value)
                    if isinstance(value, str) and key in {"r", "f", "{referer}i", "{Referer}i"}
                    else value
                )
                for key, value in record.args.items()
            }
        elif isinstance(record.args, tuple):
            record.args = tuple(
                without_query(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def access_logs_redact() -> None:
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, QueryStringRedactor) for f in logger.filters):
            logger.addFilter(QueryStringRedactor())
