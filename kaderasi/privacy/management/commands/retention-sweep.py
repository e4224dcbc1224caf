"""kaderasi retention-sweep"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kaderasi.core import clock
from kaderasi.privacy.services import retention_sweep


class Command(BaseCommand):
    help = (
        "Erase the identity of every mother of a programme whose retention (its "
        "'identities kept after the end' days) has run out. The worker runs it too."
    )

    def handle(self, *args, **options):
        erased = retention_sweep(now=clock.now())
        self.stdout.write(_("Identities erased: %(count)s.") % {"count": erased})
