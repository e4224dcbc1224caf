"""kaderasi evaluate SLUG [--format json|text|xlsx|pdf] [--output PATH] [--language id|en]
[--all-rows]

The command lives in the reports app because its workbook and PDF are the programme report's
renderers; the evaluation it renders stays the evaluation app's (docs/decisions/0071)."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.core import clock
from kaderasi.evaluation.presentation import evaluation_sections
from kaderasi.evaluation.rendering import render_text
from kaderasi.evaluation.results import programme_evaluation
from kaderasi.programmes.models import Programme
from kaderasi.reports.documents import render_programme_report_pdf, render_programme_report_xlsx
from kaderasi.reports.progress import TerminalProgress
from kaderasi.reports.references import reference_ranges
from kaderasi.reports.skills import programme_skill_steps

FORMATS = ("json", "text", "xlsx", "pdf")
BINARY_FORMATS = {"xlsx", "pdf"}
UNKNOWN_PROGRAMME_STATUS = 2


class Command(BaseCommand):
    help = (
        "Evaluate a programme: cadre knowledge, milk volume before and after, the comparison "
        "group, comparison with normal lactation, and the limitations."
    )
    # A report reads; it runs no system checks (0.3 s of CPU a report, most of it importing every
    # view through the URL check): `kaderasi check` and migrate run them (decision 0230).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the programme's slug, e.g. pandes-2018")
        parser.add_argument("--format", choices=FORMATS, default="json", dest="output_format")
        parser.add_argument("--output", help="write to this file instead of standard output")
        parser.add_argument(
            "--all-rows",
            action="store_true",
            help="text format: list every compared volume instead of the first rows",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="language of the text, workbook and document (default: the active language)",
        )

    def handle(self, *args, slug, output_format, output, language, all_rows, **options):
        with translation.override(language or translation.get_language()):
            content = self._render(slug, output_format, all_rows=all_rows)
        if output:
            path = Path(output)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
            return
        if isinstance(content, bytes):
            if sys.stdout.isatty():
                raise CommandError(
                    _("A %(format)s file cannot be shown in a terminal; add --output FILE.")
                    % {"format": output_format}
                )
            self.stdout.flush()
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
            return
        self.stdout.write(content, ending="" if content.endswith("\n") else "\n")

    def _render(self, slug: str, output_format: str, *, all_rows: bool) -> str | bytes:
        programme = Programme.objects.select_related("area").filter(slug=slug).first()
        if programme is None:
            raise CommandError(
                _("There is no programme with the slug “%(slug)s”.") % {"slug": slug},
                returncode=UNKNOWN_PROGRAMME_STATUS,
            )
        # The console is an administrator's tool: it evaluates every cadre and mother.
        evaluation = programme_evaluation(
            programme, cadres=Cadre.objects.all(), mothers=Mother.objects.all()
        )
        if output_format == "json":
            return json.dumps(evaluation, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
        if output_format == "text":
            return render_text(evaluation_sections(evaluation, programme), all_rows=all_rows)
        # The workbook and the PDF are the programme report, laid out from this same
        # evaluation, with its tables, charts and the raw data in the import format.
        language = translation.get_language() or "id"
        render = (
            render_programme_report_xlsx if output_format == "xlsx" else render_programme_report_pdf
        )
        bar = TerminalProgress(self.stderr, label=output_format.upper())
        references = reference_ranges()
        content = render(
            programme=programme,
            evaluation=evaluation,
            references=references,
            now=clock.now(),
            language=language,
            pseudonymised=True,
            skills=programme_skill_steps(programme, language=language),
            progress=bar.update,
        )
        bar.finish()
        return content
