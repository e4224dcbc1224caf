"""The `kaderasi` console script: Django's management commands with kaderasi's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if sys.argv[1:2] == ["demo"]:
        # The demo is a development server on this machine: it implies the development settings
        # `make demo` uses (DEBUG on, so no SECRET_KEY is needed), unless DEBUG is set. Its worker
        # inherits them through the environment.
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
