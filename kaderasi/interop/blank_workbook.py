"""The downloadable template: an empty programme workbook with instructions in the active
language, header comments and drop-down lists for the coded columns."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaderasi.core.spreadsheets import xlsx_workbook
from kaderasi.interop.workbook import (
    BASES,
    DATA_SHEETS,
    DELIVERY_TYPES,
    GROUPS,
    INSTRUCTIONS_SHEET,
    METHODS,
    PHASES_KNOWLEDGE,
    PHASES_MILK,
    PROGRAMME,
    PROGRAMME_COLUMNS,
    PROGRAMME_FIELDS,
    SHEETS,
)
from kaderasi.programmes.models import StudyDesign

CHOICES = {
    ("knowledge_tests", "phase"): PHASES_KNOWLEDGE,
    ("mothers", "group"): GROUPS,
    ("mothers", "delivery_type"): DELIVERY_TYPES,
    ("milk_volumes", "phase"): PHASES_MILK,
    ("milk_volumes", "method"): METHODS,
    ("milk_volumes", "basis"): BASES,
}
DATE_COLUMNS = {
    ("knowledge_tests", "taken_on"),
    ("mothers", "delivery_date"),
    ("milk_volumes", "measured_on"),
}
TEMPLATE_ROWS = 2000

PROGRAMME_FIELD_HELP = {
    "name": gettext_lazy("Name of the programme."),
    "description": gettext_lazy("What the programme did (optional)."),
    "area": gettext_lazy(
        "Its area: official code, or names from the province down separated by “/”, e.g. "
        "Jawa Tengah / Kabupaten Klaten / Kecamatan Wedi / Desa Pandes."
    ),
    "starts_on": gettext_lazy("First day (default: the earliest date in the sheets)."),
    "ends_on": gettext_lazy("Last day (optional)."),
    "design": gettext_lazy(
        "single_group or two_group (default: two_group when a mother is in the comparison group)."
    ),
    "is_illustrative": gettext_lazy("yes when some values were made up to illustrate; else no."),
    "data_note": gettext_lazy("Where the data come from, and what is known about them."),
    "baseline_days": gettext_lazy(
        "Postpartum days of the baseline volume, e.g. 1-2 (the default, before the first massage)."
    ),
    "follow_up_days": gettext_lazy("Postpartum days of the follow-up volume, e.g. 3-4 (default)."),
    "follow_up_after_baseline": gettext_lazy(
        "yes (default) or no: whether the follow-up is measured after the baseline."
    ),
    "analyse_protocol_conformant_only": gettext_lazy(
        "yes or no (default): whether the evaluation leaves out the pairs outside these days."
    ),
}


def import_template_workbook() -> bytes:
    """The template as .xlsx bytes."""
    buffer = io.BytesIO()
    workbook = xlsx_workbook(buffer)
    styles = {
        "title": workbook.add_format({"bold": True, "font_size": 14, "font_color": "#115E59"}),
        "bold": workbook.add_format({"bold": True}),
        "wrap": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "header": workbook.add_format({"bold": True, "bg_color": "#CCFBF1", "border": 1}),
        "required": workbook.add_format(
            {"bold": True, "bg_color": "#0F766E", "font_color": "#FFFFFF", "border": 1}
        ),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "text": workbook.add_format({"num_format": "@"}),
    }
    _instructions(workbook, styles)
    _programme_sheet(workbook, styles)
    for name in DATA_SHEETS:
        _data_sheet(workbook, name, styles)
    workbook.close()
    return buffer.getvalue()


def _instructions(workbook, styles) -> None:
    sheet = workbook.add_worksheet(str(INSTRUCTIONS_SHEET))
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 2, 12)
    sheet.set_column(3, 3, 90)
    row = 0
    sheet.write(row, 0, _("Programme workbook for kaderasi"), styles["title"])
    row += 2
    rules = [
        _(
            "Fill in the sheets cadres, knowledge_tests, mothers and milk_volumes (and, for a new "
            "programme, the programme sheet). Keep the first row of each sheet as it is: it names "
            "the columns. Leave out a sheet you have no data for."
        ),
        _(
            "Columns in dark green are required. Codes (K01, M01) link the sheets: a test score "
            "names its cadre by cadre_code, a milk volume its mother by mother_code."
        ),
        _(
            "Write dates as 2018-04-11, or as 11/04/2018 (day/month/year), or use Excel dates. "
            "Decimal numbers may use a comma or a point."
        ),
        _(
            "The import is all or nothing: if any row breaks a rule, nothing is saved and every "
            "problem is listed with its sheet, row number (as Excel shows it) and column. Fix "
            "the file and import it again. The same content is never imported twice into one "
            "programme."
        ),
        _(
            "A mother is registered at the posyandu of her cadre. A milk volume needs a date: "
            "measured_on, or the mother's delivery_date with postpartum_day (day 1 is the first "
            "24 hours after birth)."
        ),
        _(
            "Only volumes whose basis is 24h_estimate are compared with the normal volume for "
            "the postpartum day; say unknown when you do not know how a volume was measured."
        ),
    ]
    for rule in rules:
        sheet.merge_range(row, 0, row, 3, rule, styles["wrap"])
        sheet.set_row(row, 32)
        row += 1
    row += 1
    for column, heading in enumerate((_("Sheet"), _("Column"), _("Required"), _("What to write"))):
        sheet.write(row, column, heading, styles["header"])
    row += 1
    for name in DATA_SHEETS:
        for column in SHEETS[name].columns:
            sheet.write(row, 0, name)
            sheet.write(row, 1, column.name, styles["bold"])
            sheet.write(row, 2, _("yes") if column.required else "")
            sheet.write(row, 3, _describe(name, column.name, str(column.help)), styles["wrap"])
            row += 1
    for field in PROGRAMME_FIELDS:
        sheet.write(row, 0, PROGRAMME)
        sheet.write(row, 1, field, styles["bold"])
        sheet.write(row, 3, str(PROGRAMME_FIELD_HELP[field]), styles["wrap"])
        row += 1


def _describe(sheet: str, column: str, help_text: str) -> str:
    choices = CHOICES.get((sheet, column))
    if not choices:
        return help_text
    return f"{help_text} " + _("Allowed: %(values)s.") % {"values": ", ".join(choices)}


def _programme_sheet(workbook, styles) -> None:
    sheet = workbook.add_worksheet(PROGRAMME)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 60)
    for column, heading in enumerate(PROGRAMME_COLUMNS):
        sheet.write(0, column, heading, styles["required"])
    for row, field in enumerate(PROGRAMME_FIELDS, start=1):
        sheet.write(row, 0, field, styles["bold"])
        sheet.write_comment(row, 1, str(PROGRAMME_FIELD_HELP[field]))
    design_row = PROGRAMME_FIELDS.index("design") + 1
    sheet.data_validation(
        design_row, 1, design_row, 1, {"validate": "list", "source": list(StudyDesign.values)}
    )
    illustrative_row = PROGRAMME_FIELDS.index("is_illustrative") + 1
    sheet.data_validation(
        illustrative_row, 1, illustrative_row, 1, {"validate": "list", "source": ["yes", "no"]}
    )


def _data_sheet(workbook, name: str, styles) -> None:
    sheet = workbook.add_worksheet(name)
    sheet.freeze_panes(1, 0)
    for position, column in enumerate(SHEETS[name].columns):
        style = styles["required"] if column.required else styles["header"]
        sheet.write(0, position, column.name, style)
        sheet.write_comment(0, position, _describe(name, column.name, str(column.help)))
        if (name, column.name) in DATE_COLUMNS:
            sheet.set_column(position, position, 16, styles["date"])
        elif column.name in {"code", "cadre_code", "mother_code", "phone"}:
            # Text, so that Excel keeps leading zeros of codes and phone numbers.
            sheet.set_column(position, position, 16, styles["text"])
        else:
            sheet.set_column(position, position, 16)
        choices = CHOICES.get((name, column.name))
        if choices:
            sheet.data_validation(
                1,
                position,
                TEMPLATE_ROWS,
                position,
                {
                    "validate": "list",
                    "source": list(choices),
                    "error_message": _("Allowed: %(values)s.") % {"values": ", ".join(choices)},
                },
            )
