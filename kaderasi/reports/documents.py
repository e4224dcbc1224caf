"""The programme report as files: a PDF (WeasyPrint, laid out like a Poltekkes publication) and an
Excel workbook (XlsxWriter: the report's tables plus the raw data in the import format), both
from the same `ProgrammeReportDocument` the web page shows.

How to call (e.g. from `kaderasi evaluate SLUG --format pdf|xlsx`), given the evaluation dict and
the programme:

    from kaderasi.reports.documents import (
        render_programme_report_pdf, render_programme_report_xlsx,
    )
    pdf = render_programme_report_pdf(
        programme=programme, evaluation=evaluation, now=clock.now(), language="id",
        progress=lambda percent, step: ...,   # optional; see progress.TerminalProgress
    )
"""

import datetime as dt
import io
from collections.abc import Sequence

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from kaderasi.cadres.models import Cadre
from kaderasi.care.models import Mother
from kaderasi.core.pdf_layout import pdf_from_html
from kaderasi.core.spreadsheets import xlsx_workbook
from kaderasi.evaluation.norms import ReferenceRange
from kaderasi.interop.exports import programme_rows, write_programme_sheets
from kaderasi.reports.bands import knowledge_bands_for
from kaderasi.reports.models import ExportStep, ProgrammeReport
from kaderasi.reports.programme_data import ProgrammeData, programme_data
from kaderasi.reports.programme_report import (
    ProgrammeReportDocument,
    ProgressCallback,
    SkillStep,
    Table,
    build_programme_report,
)
from kaderasi.reports.references import reference_ranges


def report_settings(programme) -> ProgrammeReport:
    """The programme's saved report settings, or the defaults (unsaved) when none were saved."""
    return ProgrammeReport.objects.filter(programme=programme).first() or ProgrammeReport(
        programme=programme
    )


def programme_report_document(
    *,
    programme,
    evaluation: dict,
    now: dt.datetime,
    language: str = "id",
    pseudonymised: bool = True,
    skills: Sequence[SkillStep] = (),
    references: Sequence[ReferenceRange] | None = None,
    data: ProgrammeData | None = None,
    progress: ProgressCallback | None = None,
) -> ProgrammeReportDocument:
    """Read the programme's data and settings and build the report in `language`."""
    if progress:
        progress(5, ExportStep.COLLECTING)
    with translation.override(language):
        bands, bands_source = knowledge_bands_for(programme)
        return build_programme_report(
            data=data or programme_data(programme),
            evaluation=evaluation,
            report=report_settings(programme),
            bands=bands,
            bands_source=bands_source,
            language=language,
            now=now,
            references=reference_ranges() if references is None else references,
            skills=skills,
            pseudonymised=pseudonymised,
            progress=progress,
        )


def render_programme_report_html(document: ProgrammeReportDocument) -> str:
    """The standalone print document (HTML + print CSS) the PDF is made from."""
    with translation.override(document.language):
        css_path = finders.find("reports/report-print.css")
        with open(css_path, encoding="utf-8") as css:
            return render_to_string(
                "reports/programme_report_print.html",
                {"document": document, "print_css": css.read(), "for_print": True},
            )


def pdf_from_document(
    document: ProgrammeReportDocument, *, progress: ProgressCallback | None = None
) -> bytes:
    html = render_programme_report_html(document)
    if progress:
        progress(70, ExportStep.LAYOUT)
    pdf = pdf_from_html(html, pdf_variant="pdf/ua-1", custom_metadata=True, uncompressed_pdf=False)
    if progress:
        progress(95, ExportStep.SAVING)
    return pdf


def render_programme_report_pdf(
    *,
    programme,
    evaluation: dict,
    now: dt.datetime,
    language: str = "id",
    pseudonymised: bool = True,
    skills: Sequence[SkillStep] = (),
    references: Sequence[ReferenceRange] | None = None,
    progress: ProgressCallback | None = None,
) -> bytes:
    """The programme report as a PDF: A4, title page, contents, numbered tables and figures,
    running header and page numbers, charts as vector graphics."""
    document = programme_report_document(
        programme=programme,
        evaluation=evaluation,
        now=now,
        language=language,
        pseudonymised=pseudonymised,
        skills=skills,
        references=references,
        progress=progress,
    )
    return pdf_from_document(document, progress=progress)


def render_programme_report_xlsx(
    *,
    programme,
    evaluation: dict,
    now: dt.datetime,
    language: str = "id",
    pseudonymised: bool = True,
    skills: Sequence[SkillStep] = (),
    references: Sequence[ReferenceRange] | None = None,
    progress: ProgressCallback | None = None,
) -> bytes:
    """The programme report as a workbook: a summary sheet, one sheet per table, and the raw data
    in the import workbook's sheets (`programme`, `cadres`, `knowledge_tests`, `mothers`,
    `milk_volumes`, written by `interop.exports`), so the file re-imports with
    `kaderasi import-programme` into the same evaluation. Pseudonymised: codes instead of names,
    no phone numbers."""
    data = programme_data(programme)
    document = programme_report_document(
        programme=programme,
        evaluation=evaluation,
        now=now,
        language=language,
        pseudonymised=pseudonymised,
        skills=skills,
        references=references,
        data=data,
        progress=progress,
    )
    return xlsx_from_document(document, data, progress=progress)


def xlsx_from_document(
    document: ProgrammeReportDocument,
    data: ProgrammeData,
    *,
    progress: ProgressCallback | None = None,
) -> bytes:

    buffer = io.BytesIO()
    workbook = xlsx_workbook(buffer)  # every string as text (the contents' links: write_url)
    workbook.set_properties(
        {
            "title": document.title,
            "subject": document.kind_label,
            "author": ", ".join(document.team),
            "comments": "kaderasi",
        }
    )
    styles = _Styles(workbook)
    with translation.override(document.language):
        table_sheets = [(table, _table_sheet_name(table)) for table in document.tables]
        _summary_sheet(workbook, styles, document, table_sheets)
        if progress:
            progress(70, ExportStep.TABLES)
        for table, sheet_name in table_sheets:
            _table_sheet(workbook, styles, table, sheet_name)
        write_programme_sheets(
            workbook,
            programme_rows(
                data.programme,
                cadres=Cadre.objects.filter(programme=data.programme),
                mothers=Mother.objects.filter(programme=data.programme),
                pseudonymised=document.pseudonymised,
                volumes=data.phase_volumes,
            ),
        )
    if progress:
        progress(95, ExportStep.SAVING)
    workbook.close()
    return buffer.getvalue()


class _Styles:
    def __init__(self, workbook) -> None:
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.heading = workbook.add_format({"bold": True, "font_size": 11})
        self.header = workbook.add_format(
            {"bold": True, "bottom": 1, "top": 1, "text_wrap": True, "valign": "top"}
        )
        self.header_numeric = workbook.add_format(
            {"bold": True, "bottom": 1, "top": 1, "text_wrap": True, "align": "right"}
        )
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.label = workbook.add_format({"bold": True, "valign": "top"})
        self.note = workbook.add_format({"italic": True, "font_color": "#555555"})
        self.link = workbook.add_format({"font_color": "#0f5e59", "underline": 1})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.strong = workbook.add_format({"bold": True, "top": 1})
        self._numbers: dict[tuple[str, bool], object] = {}
        self._workbook = workbook

    def number(self, pattern: str, strong: bool = False):
        key = (pattern, strong)
        if key not in self._numbers:
            spec = {"num_format": pattern or "General"}
            if strong:
                spec.update({"bold": True, "top": 1})
            self._numbers[key] = self._workbook.add_format(spec)
        return self._numbers[key]


def _table_sheet_name(table: Table) -> str:
    return table.sheet_name


def _summary_sheet(workbook, styles: _Styles, document, table_sheets) -> None:
    sheet = workbook.add_worksheet(_("Report")[:31])
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 90)
    sheet.write(0, 0, document.title, styles.title)
    sheet.write(1, 0, document.kind_label, styles.note)
    row = 3
    for label, value in document.facts:
        sheet.write_string(row, 0, str(label), styles.label)
        sheet.write_string(row, 1, str(value), styles.wrap)
        row += 1
    sheet.write(row, 0, _("Generated on"), styles.label)
    sheet.write_datetime(row, 1, dt.datetime.combine(document.generated_on, dt.time()), styles.date)
    row += 2
    if document.illustrative_note:
        sheet.write(row, 0, _("Illustrative data"), styles.label)
        sheet.write(row, 1, document.illustrative_note, styles.wrap)
        row += 2
    sheet.write(row, 0, _("Tables"), styles.heading)
    row += 1
    for table, sheet_name in table_sheets:
        sheet.write_url(row, 0, f"internal:'{sheet_name}'!A1", styles.link, string=sheet_name)
        sheet.write(row, 1, table.title, styles.wrap)
        row += 1
    row += 1
    sheet.write(row, 0, _("Limitations"), styles.heading)
    row += 1
    for limitation in document.limitations:
        sheet.write(row, 1, limitation, styles.wrap)
        row += 1
    row += 1
    sheet.write(row, 0, _("Conclusion"), styles.heading)
    sheet.write(row + 1, 1, document.conclusion, styles.wrap)
    row += 3
    sheet.write(row, 0, _("Raw data"), styles.heading)
    sheet.write(
        row + 1,
        1,
        _(
            "The sheets programme, cadres, knowledge_tests, mothers and milk_volumes hold the "
            "programme's data in the import format: the file re-imports with kaderasi "
            "import-programme."
        )
        + (
            " " + _("Pseudonymised: codes instead of names; no phone numbers.")
            if document.pseudonymised
            else ""
        ),
        styles.wrap,
    )


def _table_sheet(workbook, styles: _Styles, table: Table, sheet_name: str) -> None:
    sheet = workbook.add_worksheet(sheet_name)
    sheet.write(0, 0, f"{_('Table')} {table.number}. {table.title}", styles.heading)
    for index, column in enumerate(table.columns):
        sheet.set_column(index, index, column.width)
        sheet.write(
            2, index, column.label, styles.header_numeric if column.numeric else styles.header
        )
    row = 3
    for cells in [*table.rows, *table.footer]:
        strong_row = cells in table.footer
        for index, (cell, column) in enumerate(zip(cells, table.columns, strict=True)):
            value = cell.stored
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(
                    row, index, value, styles.number(column.excel_format, strong_row)
                )
            else:
                sheet.write_string(
                    row, index, str(value), styles.strong if strong_row else styles.wrap
                )
        row += 1
    row += 1
    for note in table.notes:
        sheet.write(row, 0, note, styles.note)
        row += 1
    sheet.freeze_panes(3, 0)
