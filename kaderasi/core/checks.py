"""System checks of core: the development field key in production."""

from django.conf import settings
from django.core import checks

from kaderasi.core.field_crypto import DEVELOPMENT_FIELD_KEY


@checks.register(checks.Tags.security, deploy=True)
def check_field_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """NIK and phone numbers encrypted with the published development key are as good as plain."""
    if DEVELOPMENT_FIELD_KEY not in settings.KADERASI_FIELD_KEYS:
        return []
    return [
        checks.Warning(
            "KADERASI_FIELD_KEYS holds the published development key: anyone can decrypt the NIK "
            "and phone numbers it encrypts.",
            hint="Make a key with `kaderasi rotate-keys --new-key`, put it first in "
            "KADERASI_FIELD_KEYS, run `kaderasi rotate-keys`, then remove the development key.",
            id="core.W001",
            obj="KADERASI_FIELD_KEYS",
        )
    ]
