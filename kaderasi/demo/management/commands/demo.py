"""kaderasi demo [--addr HOST:PORT] [--no-serve]: migrate, load the demo, print logins, serve."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kaderasi.core import clock
from kaderasi.demo.seeding import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Migrate, load the demo programmes and logins, then serve kaderasi."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="HOST:PORT to serve on")
        parser.add_argument("--no-serve", action="store_true", help="prepare only; do not serve")

    def handle(self, *args, addr: str, no_serve: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        logins = seed_demo(now=clock.now())
        self.stdout.write(self.style.SUCCESS(_("Demo data ready.")))
        self.stdout.write(_("Demo logins (password: %(password)s):") % {"password": DEMO_PASSWORD})
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role.label}")
        if no_serve:
            return
        self.stdout.write(
            _("Open http://%(addr)s/ in a browser. Stop with Ctrl+C.") % {"addr": addr}
        )
        call_command("runserver", addr, use_reloader=False)
