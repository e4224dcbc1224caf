"""The report's account of pairings made with a cadre who held no valid certificate: a
coordinator may record such an override with a reason (`care` pairing), and a published report
must say so (the training issue asks that overrides appear in reports)."""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaderasi.reports.programme_data import ProgrammeData
from kaderasi.reports.report_document import Cell, Column, Numbering, Section, Table


def certification_overrides_section(data: ProgrammeData, numbering: Numbering) -> Section | None:
    """A section listing every override (codes, never names), or None when there was none."""
    overrides = data.certification_overrides
    if not overrides:
        return None
    section = Section(key="certification_overrides", title=_("Pairing without a valid certificate"))
    section.paragraphs.append(
        ngettext(
            "In %(n)s pairing the cadre held no valid certificate when she was paired; a "
            "coordinator recorded the reason.",
            "In %(n)s pairings the cadre held no valid certificate when she was paired; a "
            "coordinator recorded the reason each time.",
            len(overrides),
        )
        % {"n": len(overrides)}
    )
    rows = [
        [
            Cell(override.mother_code),
            Cell(override.cadre_code),
            Cell(
                formats.date_format(timezone.localtime(override.starts_at), "j M Y"),
                value=timezone.localtime(override.starts_at).date().isoformat(),
            ),
            Cell(override.reason),
            Cell(override.recorded_by),
        ]
        for override in overrides
    ]
    section.blocks.append(
        Table(
            key="certification_overrides",
            number=numbering.table(),
            title=_("Pairings with a cadre without a valid certificate"),
            columns=[
                Column(_("Mother"), width=10),
                Column(_("Cadre"), width=10),
                Column(_("Paired on"), width=14),
                Column(_("Reason"), width=50),
                Column(_("Recorded by"), width=24),
            ],
            rows=rows,
        )
    )
    return section
