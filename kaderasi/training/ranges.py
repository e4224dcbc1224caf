"""Serve a stored file with HTTP range requests (RFC 9110 §14), so that a phone's video player can
start quickly, seek, and resume after a dropped connection without downloading from the start."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

CHUNK_BYTES = 64 * 1024


class RangeNotSatisfiable(Exception):
    """The requested range starts beyond the end of the file."""


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive, as in Content-Range

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The single byte range a `Range` header asks for, clamped to the file; None when the whole
    file should be sent (no header, another unit, several ranges, or a malformed header, all of
    which a server may ignore). Raises RangeNotSatisfiable for a range outside the file."""
    if not header:
        return None
    unit, _equals, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, dash, last = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if not first:
            suffix = int(last)
            if suffix <= 0 or size == 0:
                raise RangeNotSatisfiable
            return ByteRange(max(size - suffix, 0), size - 1)
        start = int(first)
        end = int(last) if last else None
    except ValueError:
        return None
    if start >= size:
        raise RangeNotSatisfiable
    if end is None:
        return ByteRange(start, size - 1)
    if end < start:
        return None
    return ByteRange(start, min(end, size - 1))


def _chunks(file: BinaryIO, byte_range: ByteRange) -> Iterator[bytes]:
    try:
        file.seek(byte_range.start)
        remaining = byte_range.length
        while remaining > 0:
            chunk = file.read(min(CHUNK_BYTES, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        file.close()


def ranged_file_response(
    file: BinaryIO, *, size: int, content_type: str, range_header: str | None
) -> HttpResponse:
    """200 with the whole file, 206 with the requested part, or 416 when the range lies outside
    the file; every answer says `Accept-Ranges: bytes`."""
    try:
        byte_range = parse_range(range_header, size)
    except RangeNotSatisfiable:
        file.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        if byte_range is None:
            response = FileResponse(file, content_type=content_type)
            response["Content-Length"] = str(size)
        else:
            response = StreamingHttpResponse(
                _chunks(file, byte_range), status=206, content_type=content_type
            )
            response["Content-Range"] = f"bytes {byte_range.start}-{byte_range.end}/{size}"
            response["Content-Length"] = str(byte_range.length)
    response["Accept-Ranges"] = "bytes"
    # The video belongs to a training; private so that shared caches never keep it.
    response["Cache-Control"] = "private, max-age=3600"
    return response
