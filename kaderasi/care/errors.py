from enum import StrEnum


class CareErrorCode(StrEnum):
    MEASUREMENT_BEFORE_DELIVERY = "measurement_before_delivery"
    MEASUREMENT_IN_FUTURE = "measurement_in_future"
    MEASUREMENT_OUT_OF_RANGE = "measurement_out_of_range"
    MILK_METHOD_REQUIRED = "milk_method_required"
    NO_DELIVERY = "no_delivery_recorded"
    DELIVERY_BEFORE_LMP = "delivery_before_lmp"
    DELIVERY_IN_FUTURE = "delivery_in_future"
    PAIRING_CADRE_AT_CAPACITY = "pairing_cadre_at_capacity"
    PAIRING_OTHER_PROGRAMME = "pairing_other_programme"
    PAIRING_ALREADY_OPEN = "pairing_already_open"
    PAIRING_CADRE_NOT_CERTIFIED = "pairing_cadre_not_certified"
    PAIRING_OVERRIDE_NOT_ALLOWED = "pairing_override_not_allowed"
    DUPLICATE_CODE = "mother_duplicate_code"
