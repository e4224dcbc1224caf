"""How an import problem is written for a person."""

from django.utils.translation import gettext as _

from kaderasi.interop.models import ProgrammeImport
from kaderasi.interop.plan import ImportIssue, issue_from_json


def issue_line(issue: ImportIssue) -> str:
    """ "Sheet milk_volumes, row 5, column volume_ml: …" (only the parts the problem has)."""
    if issue.sheet and issue.row is not None and issue.column:
        where = _("Sheet %(sheet)s, row %(row)s, column %(column)s") % {
            "sheet": issue.sheet,
            "row": issue.row,
            "column": issue.column,
        }
    elif issue.sheet and issue.row is not None:
        where = _("Sheet %(sheet)s, row %(row)s") % {"sheet": issue.sheet, "row": issue.row}
    elif issue.sheet:
        where = _("Sheet %(sheet)s") % {"sheet": issue.sheet}
    else:
        return issue.message
    return f"{where}: {issue.message}"


def warning_lines(record: ProgrammeImport) -> list[str]:
    """The warnings stored with an import, one line each, in the order of the rows."""
    return [issue_line(issue_from_json(data)) for data in record.warnings]
