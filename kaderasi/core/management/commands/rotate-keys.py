"""kaderasi rotate-keys [--new-key]"""

from django.core.management.base import BaseCommand

from kaderasi.core import field_crypto
from kaderasi.core.key_rotation import identifiers_reencrypt


class Command(BaseCommand):
    help = (
        "Encrypt every NIK and phone number again with the first key of KADERASI_FIELD_KEYS and "
        "recompute their lookup hashes; afterwards the other keys can be removed (docs/privacy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="only print a new key to put first in KADERASI_FIELD_KEYS",
        )

    def handle(self, *args, new_key: bool = False, **options):
        if new_key:
            self.stdout.write(field_crypto.new_key())
            return
        for table in identifiers_reencrypt():
            self.stdout.write(f"{table.model}: {table.rows}")
