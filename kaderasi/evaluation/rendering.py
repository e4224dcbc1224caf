"""The evaluation sections rendered as plain text, an Excel workbook and a PDF document."""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from kaderasi.core import numbers
from kaderasi.core.pdf_layout import pdf_from_html
from kaderasi.core.spreadsheets import xlsx_workbook
from kaderasi.evaluation.presentation import Cell, Section, Table

TEXT_WIDTH = 88
MINIMUM_WRAPPED_WIDTH = 24
SHEET_NAME_LIMIT = 31
INVALID_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def render_text(sections: Sequence[Section], *, all_rows: bool = False) -> str:
    """A readable report for a terminal or an e-mail: titles, wrapped paragraphs, aligned tables.
    A listing (one row per volume) shows its first rows and how many it left out, unless
    `all_rows` (`kaderasi evaluate --format text --all-rows`)."""
    lines: list[str] = []
    for index, section in enumerate(sections):
        rule = "=" if index == 0 else "-"
        lines += [section.title, rule * min(len(section.title), TEXT_WIDTH), ""]
        for paragraph in section.paragraphs:
            lines += [*textwrap.wrap(paragraph, TEXT_WIDTH), ""]
        for table in section.tables:
            lines += [*_text_table(table, all_rows=all_rows), ""]
        for bullet in section.bullets:
            wrapped = textwrap.wrap(bullet, TEXT_WIDTH - 2)
            lines += [f"- {wrapped[0]}", *[f"  {line}" for line in wrapped[1:]]]
        if section.bullets:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _text_table(table: Table, *, all_rows: bool = False) -> list[str]:
    shown = table.rows if all_rows else table.shown_rows
    rows = [table.header, *[[cell.display for cell in row] for row in shown]]
    columns = range(len(table.header))
    numeric = [
        all(row[column].is_numeric for row in shown if row[column].display) for column in columns
    ]
    widths = [max(len(row[column]) for row in rows) for column in columns]
    # Long text (a citation) wraps inside its column so the table fits the page width.
    while sum(widths) + 2 * (len(widths) - 1) > TEXT_WIDTH:
        widest = max(
            (column for column in columns if not numeric[column]),
            key=lambda column: widths[column],
            default=None,
        )
        if widest is None or widths[widest] <= MINIMUM_WRAPPED_WIDTH:
            break
        excess = sum(widths) + 2 * (len(widths) - 1) - TEXT_WIDTH
        widths[widest] = max(MINIMUM_WRAPPED_WIDTH, widths[widest] - excess)
    lines = [table.caption] if table.caption else []
    for position, row in enumerate(rows):
        wrapped = [textwrap.wrap(value, widths[column]) or [""] for column, value in enumerate(row)]
        for line in range(max(len(cell) for cell in wrapped)):
            cells = []
            for column, cell_lines in enumerate(wrapped):
                value = cell_lines[line] if line < len(cell_lines) else ""
                right = numeric[column] and position
                cells.append(value.rjust(widths[column]) if right else value.ljust(widths[column]))
            lines.append("  ".join(cells).rstrip())
        if position == 0:
            lines.append("  ".join("-" * width for width in widths))
    left_out = len(table.rows) - len(shown)
    if left_out:
        lines += textwrap.wrap(
            ngettext(
                "(%(left_out)s more row left out: add --all-rows to list every row, or use "
                "--format xlsx.)",
                "(%(left_out)s more rows left out: add --all-rows to list every row, or use "
                "--format xlsx.)",
                left_out,
            )
            % {"left_out": numbers.number(left_out, 0)},
            TEXT_WIDTH,
        )
    return lines


def render_workbook(sections: Sequence[Section]) -> bytes:
    """An .xlsx workbook with one sheet per section; numbers are stored unrounded as numbers and
    only their display format rounds them."""
    buffer = io.BytesIO()
    workbook = xlsx_workbook(buffer)
    styles = _workbook_styles(workbook)
    used_names: set[str] = set()
    for section in sections:
        sheet = workbook.add_worksheet(_sheet_name(section.sheet_title, used_names))
        sheet.set_column(0, 0, 46)
        sheet.set_column(1, 8, 16)
        row = 0
        sheet.write(row, 0, section.title, styles["title"])
        row += 2
        for paragraph in section.paragraphs:
            sheet.merge_range(row, 0, row, 6, paragraph, styles["wrap"])
            sheet.set_row(row, 15 * max(1, len(paragraph) // 110 + 1))
            row += 1
        if section.paragraphs:
            row += 1
        for table in section.tables:
            row = _write_table(sheet, row, table, styles) + 1
        for bullet in section.bullets:
            sheet.merge_range(row, 0, row, 6, f"• {bullet}", styles["wrap"])
            sheet.set_row(row, 15 * max(1, len(bullet) // 110 + 1))
            row += 1
    workbook.close()
    return buffer.getvalue()


def _workbook_styles(workbook) -> dict:
    return {
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "caption": workbook.add_format({"bold": True}),
        "header": workbook.add_format({"bold": True, "bg_color": "#CCFBF1", "border": 1}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "text": workbook.add_format({"valign": "top"}),
        "integer": workbook.add_format({"num_format": "0"}),
        # The floor is written as core.numbers writes it in the workbook's language.
        "p": workbook.add_format({"num_format": f'[<0.001]"{numbers.p_value(0)}";0.000'}),
        **{
            f"number{decimals}": workbook.add_format(
                {"num_format": "0." + "0" * decimals if decimals else "0"}
            )
            for decimals in range(5)
        },
        "general": workbook.add_format({"num_format": "General"}),
        **{
            f"percent{decimals}": workbook.add_format(
                {"num_format": ("0." + "0" * decimals if decimals else "0") + '" %"'}
            )
            for decimals in range(3)
        },
    }


def _write_table(sheet, row: int, table: Table, styles: dict) -> int:
    if table.caption:
        sheet.write(row, 0, table.caption, styles["caption"])
        row += 1
    for column, heading in enumerate(table.header):
        sheet.write(row, column, heading, styles["header"])
    row += 1
    for cells in table.rows:
        for column, cell in enumerate(cells):
            _write_cell(sheet, row, column, cell, styles)
        row += 1
    return row


def _write_cell(sheet, row: int, column: int, cell: Cell, styles: dict) -> None:
    if cell.value is None:
        sheet.write_string(row, column, "—" if cell.is_numeric else "", styles["text"])
    elif cell.kind == "text":
        sheet.write_string(row, column, str(cell.value), styles["text"])
    elif cell.kind == "interval":
        sheet.write_string(row, column, cell.display, styles["text"])
    elif cell.kind == "integer":
        sheet.write_number(row, column, cell.value, styles["integer"])
    elif cell.kind == "p":
        sheet.write_number(row, column, cell.value, styles["p"])
    elif cell.kind == "percent":
        sheet.write_number(row, column, cell.value, styles[f"percent{cell.decimals or 1}"])
    else:
        style = styles["general"] if cell.decimals is None else styles[f"number{cell.decimals}"]
        sheet.write_number(row, column, cell.value, style)


def _sheet_name(title: str, used: set[str]) -> str:
    base = INVALID_SHEET_CHARACTERS.sub(" ", title).strip()[:SHEET_NAME_LIMIT].strip() or "Sheet"
    name = base
    counter = 2
    while name.lower() in used:
        suffix = f" ({counter})"
        name = base[: SHEET_NAME_LIMIT - len(suffix)] + suffix
        counter += 1
    used.add(name.lower())
    return name


def render_pdf(sections: Sequence[Section], *, generated_on: str) -> bytes:
    """A printable A4 document of the sections (WeasyPrint)."""
    html = render_to_string(
        "evaluation/report_pdf.html",
        {
            "sections": sections,
            "generated_on": generated_on,
            "language": get_language(),
            "document_title": _("Programme evaluation"),
        },
    )
    return pdf_from_html(html)
