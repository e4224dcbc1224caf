"""Pages, JSON and the offline app's scripts compressed with gzip (decision 0125).

Static files are not compressed here: WhiteNoise serves the gzip and Brotli copies that
collectstatic made once (`CompressedManifestStaticFilesStorage`), before this middleware runs.
What remains are the responses Django writes: HTML pages, the API's JSON, the service worker and
the offline app's texts. Django's `GZipMiddleware` does that, with its mitigation of BREACH
(Django ≥ 4.2 pads each response with up to 100 random bytes in the gzip header, so a response's
length no longer tells an attacker whether a guess matched); and Django masks the CSRF token
afresh in every response, so the token itself cannot be guessed from lengths.

Left alone: partial answers (206, a video seeked to the middle: compressing them would break the
byte ranges a player asked for) and media already compressed (video, images other than SVG,
PDF, xlsx, zip)."""

from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/manifest+json",
    "image/svg+xml",
)


class PageCompressionMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if response.status_code == 206 or not content_type.startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)
