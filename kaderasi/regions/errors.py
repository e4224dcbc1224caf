from enum import StrEnum


class AreaErrorCode(StrEnum):
    WRONG_PARENT_LEVEL = "area_wrong_parent_level"
    DUPLICATE_CODE = "area_duplicate_code"
    DUPLICATE_NAME = "area_duplicate_name"
    UNKNOWN_OFFICIAL_CODE = "area_unknown_official_code"
