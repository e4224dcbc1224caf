from enum import StrEnum


class ReportErrorCode(StrEnum):
    IDENTIFIABLE_EXPORT_NOT_ALLOWED = "identifiable_export_not_allowed"
    REPORT_NOT_WHOLE_PROGRAMME = "report_not_whole_programme"
    EXPORT_ALREADY_STARTED = "export_already_started"
