"""Every system and code the FHIR export writes, in one place (docs/fhir.md lists them).

`LOCAL` systems are kaderasi's own (https://kaderasi.id/fhir/...): their codes are the values
of the models' choices, so the export never invents a second vocabulary."""

from django.utils.translation import gettext_lazy as _

# International and Indonesian systems.
UCUM = "http://unitsofmeasure.org"
LOINC = "http://loinc.org"
NIK = "https://fhir.kemkes.go.id/id/nik"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
SECURITY = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
# The FHIR "Questionnaire item" and "answer" extensions are not used: local ones carry the score.
# SATUSEHAT's address extension carrying the Kemendagri codes (without dots).
ADMINISTRATIVE_CODE = "https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode"

# kaderasi's own systems.
BASE = "https://kaderasi.id/fhir"
CARE = f"{BASE}/CodeSystem/care"
MILK_METHOD = f"{BASE}/CodeSystem/milk-method"
MILK_BASIS = f"{BASE}/CodeSystem/milk-basis"
MILK_PHASE = f"{BASE}/CodeSystem/milk-phase"
BREAST_SIDE = f"{BASE}/CodeSystem/breast-side"
MASSAGED_BY = f"{BASE}/CodeSystem/massaged-by"
FLAG_RULE = f"{BASE}/CodeSystem/flag-rule"
REFERRAL_OUTCOME = f"{BASE}/CodeSystem/referral-outcome"
CONSENT_SUBJECT = f"{BASE}/CodeSystem/consent-subject"
CONSENT_GIVEN_BY = f"{BASE}/CodeSystem/consent-given-by"
AREA_LEVEL = f"{BASE}/CodeSystem/area-level"
LATCH_ITEM = f"{BASE}/CodeSystem/latch-item"
TEST_PHASE = f"{BASE}/CodeSystem/test-phase"
KNOWLEDGE_OPTION = f"{BASE}/CodeSystem/knowledge-option"
SCORE_EXTENSION = f"{BASE}/StructureDefinition/score"
TEST_PHASE_EXTENSION = f"{BASE}/StructureDefinition/test-phase"
REDEMONSTRATION_EXTENSION = f"{BASE}/StructureDefinition/re-demonstration"
CRITICAL_STEP_EXTENSION = f"{BASE}/StructureDefinition/critical-step"
MASSAGED_BY_EXTENSION = f"{BASE}/StructureDefinition/massaged-by"
CONSENT_GIVEN_BY_EXTENSION = f"{BASE}/StructureDefinition/consent-given-by"
REFERRAL_OUTCOME_EXTENSION = f"{BASE}/StructureDefinition/referral-outcome"


def programme_system(slug: str, kind: str) -> str:
    """The identifier system of a programme's codes of one kind (mother, cadre)."""
    return f"{BASE}/programme/{slug}/{kind}"


PROGRAMME_SYSTEM = f"{BASE}/programme"
USER_SYSTEM = f"{BASE}/user"
AREA_SYSTEM = f"{BASE}/area"

# The codes of CodeSystem/care, with their English display.
OXYTOCIN_MASSAGE = "oxytocin-massage"
MILK_VOLUME = "milk-volume"
FEEDS = "feeds-24h"
WET_NAPPIES = "wet-nappies-24h"
STOOLS = "stools-24h"
CADRE = "cadre"
MIDWIFE_REVIEW = "midwife-review"
LATCH_SCORE = "latch-score"
CARE_CODES = {
    OXYTOCIN_MASSAGE: _("Oxytocin massage session"),
    MILK_VOLUME: _("Expressed breast milk volume"),
    FEEDS: _("Feeds in 24 hours"),
    WET_NAPPIES: _("Wet nappies in 24 hours"),
    STOOLS: _("Stools in 24 hours"),
    CADRE: _("Cadre (kader) accompanying the mother"),
    MIDWIFE_REVIEW: _("Review by the midwife"),
    LATCH_SCORE: _("LATCH breastfeeding assessment, total score"),
}
# The items of LATCH (Jensen, Wallace & Kelsay 1994), codes of CodeSystem/latch-item.
LATCH_ITEM_DISPLAY = {
    "latch": "Latch",
    "audible_swallowing": "Audible swallowing",
    "nipple_type": "Type of nipple",
    "comfort": "Comfort (breast/nipple)",
    "hold": "Hold (positioning)",
}
BODY_WEIGHT = ("29463-7", "Body weight")
BIRTH_WEIGHT = ("8339-4", "Birth weight Measured")
PATIENT_CONSENT = ("59284-0", "Patient Consent")
BREASTFEEDING_STATUS = ("63895-7", "Breastfeeding status")
CURRENTLY_BREASTFEEDING = ("LA29252-6", "Currently breastfeeding")


def questionnaire_url(kind: str, code: str) -> str:
    """The canonical URL of a knowledge test or skill checklist (its version goes after a |)."""
    return f"{BASE}/Questionnaire/{kind}/{code}"
