"""The one way kaderasi opens an Excel workbook for writing."""

import io

import xlsxwriter

# Text stays text: a programme name or conclusion starting with "=" is never a formula (formula
# injection), nor a web address in user text a link (links are written with write_url).
TEXT_AS_TEXT = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


def xlsx_workbook(buffer: io.BytesIO) -> xlsxwriter.Workbook:
    """A workbook written into `buffer` in memory, every string written as text."""
    return xlsxwriter.Workbook(buffer, TEXT_AS_TEXT)
