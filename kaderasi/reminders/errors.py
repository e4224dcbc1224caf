from enum import StrEnum


class RemindersErrorCode(StrEnum):
    REMINDER_NOT_OPEN = "reminder_not_open"
    REMINDER_NOT_RELAYED = "reminder_not_relayed_by_cadre"
    NO_PHONE_NUMBER = "reminder_no_phone_number"
    FAMILY_MEMBER_PHONE_REQUIRED = "family_member_phone_required"
    FAMILY_MEMBER_ALREADY_ENDED = "family_member_already_ended"
    RULE_PLACEHOLDER_UNKNOWN = "rule_placeholder_unknown"
    RULE_TIME_OF_DAY_REQUIRED = "rule_time_of_day_required"
    RULE_DAYS_REQUIRED = "rule_days_required"
    RULE_LEAD_DAYS_REQUIRED = "rule_lead_days_required"
    RULE_RECIPIENT_NOT_ALLOWED = "rule_recipient_not_allowed"
    RULE_WHATSAPP_PARAMETER_UNKNOWN = "rule_whatsapp_parameter_unknown"
    CONSENT_WITHDRAWN = "consent_withdrawn"
