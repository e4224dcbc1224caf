"""Pure builders: a programme's plain rows (fhir.selectors) to a FHIR R4 Bundle of type
collection, as JSON-ready dicts. No database access here.

Choices (docs/fhir.md says why):
- the infant is a Patient of her own; the mother is tied to her as a RelatedPerson of the
  infant (relationship v3 RoleCode MTH);
- the cadre is a RelatedPerson of each mother she accompanied (a local relationship code),
  taking part in the Encounter of a massage session, never its performer: the performer of
  the Procedure is the programme's Organization, under which the midwives work;
- pseudonymised: no names, NIK, phone numbers, birth dates or addresses of people; codes only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation

from kaderasi.care.models import (
    LATCH_ITEMS,
    BreastSide,
    ConsentGivenBy,
    ConsentSubject,
    FlagSeverity,
    InfantSex,
    MeasurementKind,
    MilkBasis,
    MilkMethod,
    MilkPhase,
    PerformedBy,
    ReferralOutcome,
    ReferralStatus,
)
from kaderasi.interop.fhir import codes
from kaderasi.interop.fhir.selectors import ProgrammeRows, Row
from kaderasi.regions.models import AreaLevel
from kaderasi.training.models import TestPhase

Resource = dict[str, Any]


def _reference(resource_type: str, public_id: Any) -> dict[str, str]:
    return {"reference": f"{resource_type}/{public_id}"}


def _coding(system: str, code: str, display: Any = "") -> dict[str, str]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = str(display)
    return coding


def _concept(system: str, code: str, display: Any = "") -> dict[str, Any]:
    return {"coding": [_coding(system, code, display)]}


def _choice(system: str, choices: Any, value: str) -> dict[str, Any]:
    """A concept from one of the models' TextChoices, in English whatever the language."""
    with translation.override("en"):
        return _concept(system, value, choices(value).label)


def _care(code: str) -> dict[str, Any]:
    with translation.override("en"):
        return _concept(codes.CARE, code, codes.CARE_CODES[code])


def _instant(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat()


def _decimal(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _derived(public_id: Any, suffix: str) -> str:
    """The id of a second resource made from one row (a FHIR id has at most 64 characters)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{codes.BASE}/{public_id}/{suffix}"))


def _entry(resource: Resource) -> dict[str, Any]:
    # References are relative (Patient/<id>), so each fullUrl is the base plus that.
    return {
        "fullUrl": f"{codes.BASE}/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
    }


class _Builder:
    def __init__(self, rows: ProgrammeRows, *, pseudonymised: bool):
        self.rows = rows
        self.pseudonymised = pseudonymised
        self.slug = rows.programme["slug"]
        self.organisation = _reference("Organization", rows.programme["public_id"])
        self.resources: list[Resource] = []
        self.mother_ids = {row["id"]: row["public_id"] for row in rows.mothers}
        self.cadres = {row["id"]: row for row in rows.cadres}
        self.deliveries = {row["id"]: row for row in rows.deliveries}
        self.infants_of: dict[int, list[Row]] = defaultdict(list)
        for infant in rows.infants:
            mother_id = self.deliveries[infant["delivery_id"]]["pregnancy__mother_id"]
            self.infants_of[mother_id].append(infant)
        # One RelatedPerson per (cadre, mother) that met: a pairing or a session.
        self.cadre_people: dict[tuple[int, int], str] = {}

    # Areas ----------------------------------------------------------------------------------

    def _chain(self, area_id: int) -> list[Row]:
        area = self.rows.areas[area_id]
        return [self.rows.areas[int(part)] for part in area["path"].strip("/").split("/") if part]

    def _address(self, area_id: int) -> dict[str, Any]:
        chain = {row["level"]: row for row in self._chain(area_id)}
        address: dict[str, Any] = {
            "use": "work",
            "text": " / ".join(row["name"] for row in self._chain(area_id)),
            "country": "ID",
        }
        if AreaLevel.VILLAGE in chain:
            address["line"] = [chain[AreaLevel.VILLAGE]["name"]]
        if AreaLevel.DISTRICT in chain:
            address["district"] = chain[AreaLevel.DISTRICT]["name"]
        if AreaLevel.REGENCY in chain:
            address["city"] = chain[AreaLevel.REGENCY]["name"]
        if AreaLevel.PROVINCE in chain:
            address["state"] = chain[AreaLevel.PROVINCE]["name"]
        official = [
            {"url": name, "valueCode": chain[level]["code"].replace(".", "")}
            for level, name in (
                (AreaLevel.PROVINCE, "province"),
                (AreaLevel.REGENCY, "city"),
                (AreaLevel.DISTRICT, "district"),
                (AreaLevel.VILLAGE, "village"),
            )
            if level in chain and chain[level]["code"]
        ]
        if official:
            address["extension"] = [{"url": codes.ADMINISTRATIVE_CODE, "extension": official}]
        return address

    def areas(self) -> None:
        self.resources.append(
            {
                "resourceType": "Organization",
                "id": str(self.rows.programme["public_id"]),
                "identifier": [{"system": codes.PROGRAMME_SYSTEM, "value": self.slug}],
                "active": True,
                "name": self.rows.programme["name"],
            }
        )
        for area in self.rows.areas.values():
            if area["level"] != AreaLevel.POSYANDU:
                continue
            identifiers = [{"system": codes.AREA_SYSTEM, "value": str(area["public_id"])}]
            level = _concept(codes.AREA_LEVEL, AreaLevel.POSYANDU.value, "Posyandu")
            self.resources.append(
                {
                    "resourceType": "Organization",
                    "id": str(area["public_id"]),
                    "identifier": identifiers,
                    "active": True,
                    "type": [level],
                    "name": area["name"],
                    "address": [self._address(area["id"])],
                    "partOf": self.organisation,
                }
            )
            self.resources.append(
                {
                    "resourceType": "Location",
                    "id": _derived(area["public_id"], "location"),
                    "identifier": identifiers,
                    "status": "active",
                    "name": area["name"],
                    "mode": "instance",
                    "type": [level],
                    "address": self._address(area["id"]),
                    "managingOrganization": _reference("Organization", area["public_id"]),
                }
            )

    # People ---------------------------------------------------------------------------------

    def midwives(self) -> None:
        for user in self.rows.midwives:
            practitioner: Resource = {
                "resourceType": "Practitioner",
                "id": str(user["public_id"]),
                "identifier": [{"system": codes.USER_SYSTEM, "value": str(user["public_id"])}],
                "active": True,
            }
            name = f"{user['first_name']} {user['last_name']}".strip() or user["username"]
            if not self.pseudonymised:
                practitioner["name"] = [{"text": name}]
            self.resources.append(practitioner)

    def mothers(self) -> None:
        for mother in self.rows.mothers:
            patient: Resource = {
                "resourceType": "Patient",
                "id": str(mother["public_id"]),
                "identifier": [
                    {
                        "system": codes.programme_system(self.slug, "mother"),
                        "value": mother["code"],
                    }
                ],
                "active": True,
                "gender": "female",
                "managingOrganization": self.organisation,
            }
            if not self.pseudonymised:
                if mother["nik"]:
                    patient["identifier"].insert(
                        0, {"use": "official", "system": codes.NIK, "value": mother["nik"]}
                    )
                patient["name"] = [{"use": "official", "text": mother["name"]}]
                if mother["phone"]:
                    patient["telecom"] = [
                        {"system": "phone", "value": str(mother["phone"]), "use": "mobile"}
                    ]
                if mother["birth_date"]:
                    patient["birthDate"] = mother["birth_date"].isoformat()
                patient["address"] = [dict(self._address(mother["posyandu_id"]), use="home")]
            self.resources.append(patient)
            for number, infant in enumerate(self.infants_of[mother["id"]], start=1):
                self._infant(mother, infant, number)

    def _infant(self, mother: Row, infant: Row, number: int) -> None:
        delivery = self.deliveries[infant["delivery_id"]]
        patient: Resource = {
            "resourceType": "Patient",
            "id": str(infant["public_id"]),
            "identifier": [
                {
                    "system": codes.programme_system(self.slug, "infant"),
                    "value": f"{mother['code']}-{number}",
                }
            ],
            "active": True,
            "gender": {
                InfantSex.FEMALE: "female",
                InfantSex.MALE: "male",
            }.get(infant["sex"], "unknown"),
            "managingOrganization": self.organisation,
        }
        if not self.pseudonymised:
            patient["birthDate"] = timezone.localdate(delivery["delivered_at"]).isoformat()
        self.resources.append(patient)
        self.resources.append(
            {
                "resourceType": "RelatedPerson",
                "id": _derived(infant["public_id"], "mother"),
                "active": True,
                "patient": _reference("Patient", infant["public_id"]),
                "relationship": [_concept(codes.ROLE_CODE, "MTH", "mother")],
                "identifier": [
                    {
                        "system": codes.programme_system(self.slug, "mother"),
                        "value": mother["code"],
                    }
                ],
            }
        )
        if infant["birth_weight_g"]:
            self.resources.append(
                {
                    "resourceType": "Observation",
                    "id": _derived(infant["public_id"], "birth-weight"),
                    "status": "final",
                    "category": [_concept(codes.OBSERVATION_CATEGORY, "vital-signs")],
                    "code": _concept(codes.LOINC, *codes.BIRTH_WEIGHT),
                    "subject": _reference("Patient", infant["public_id"]),
                    "effectiveDateTime": _instant(delivery["delivered_at"]),
                    "valueQuantity": _quantity(infant["birth_weight_g"], "g"),
                }
            )

    def _cadre_person(self, cadre_id: int | None, mother_id: int) -> dict[str, str] | None:
        if cadre_id is None or cadre_id not in self.cadres:
            return None
        key = (cadre_id, mother_id)
        if key not in self.cadre_people:
            cadre = self.cadres[cadre_id]
            person_id = _derived(cadre["public_id"], str(self.mother_ids[mother_id]))
            self.cadre_people[key] = person_id
            person: Resource = {
                "resourceType": "RelatedPerson",
                "id": person_id,
                "identifier": [
                    {
                        "system": codes.programme_system(self.slug, "cadre"),
                        "value": cadre["code"],
                    }
                ],
                "active": True,
                "patient": _reference("Patient", self.mother_ids[mother_id]),
                "relationship": [_care(codes.CADRE)],
            }
            if not self.pseudonymised:
                person["name"] = [{"text": cadre["name"]}]
            self.resources.append(person)
        return _reference("RelatedPerson", self.cadre_people[key])

    # Care -----------------------------------------------------------------------------------

    def episodes(self) -> None:
        pairings: dict[int, list[Row]] = defaultdict(list)
        for pairing in self.rows.pairings:
            pairings[pairing["mother_id"]].append(pairing)
        for mother in self.rows.mothers:
            own = pairings[mother["id"]]
            for pairing in own:
                self._cadre_person(pairing["cadre_id"], mother["id"])
            if not own:
                continue
            ended = all(pairing["ends_at"] for pairing in own)
            period = {"start": _instant(own[0]["starts_at"])}
            if ended:
                period["end"] = _instant(max(pairing["ends_at"] for pairing in own))
            self.resources.append(
                {
                    "resourceType": "EpisodeOfCare",
                    "id": _derived(mother["public_id"], "episode"),
                    "status": "finished" if ended else "active",
                    "type": [_care(codes.OXYTOCIN_MASSAGE)],
                    "patient": _reference("Patient", mother["public_id"]),
                    "managingOrganization": self.organisation,
                    "period": period,
                }
            )

    def sessions(self) -> None:
        with_episode = {pairing["mother_id"] for pairing in self.rows.pairings}
        for session in self.rows.sessions:
            mother_id = session["mother_id"]
            patient = _reference("Patient", self.mother_ids[mother_id])
            period = {
                "start": _instant(session["started_at"]),
                "end": _instant(session["ended_at"]),
            }
            encounter: Resource = {
                "resourceType": "Encounter",
                "id": _derived(session["public_id"], "encounter"),
                "status": "finished",
                "class": _coding(codes.ACT_CODE, "HH", "home health"),
                "subject": patient,
                "period": period,
                "serviceProvider": self.organisation,
            }
            if mother_id in with_episode:
                encounter["episodeOfCare"] = [
                    _reference("EpisodeOfCare", _derived(self.mother_ids[mother_id], "episode"))
                ]
            cadre = self._cadre_person(session["cadre_id"], mother_id)
            if cadre is not None:
                encounter["participant"] = [
                    {
                        "type": [_concept(codes.PARTICIPATION_TYPE, "PART", "Participation")],
                        "individual": cadre,
                    }
                ]
            self.resources.append(encounter)
            self.resources.append(
                {
                    "resourceType": "Procedure",
                    "id": str(session["public_id"]),
                    "extension": [
                        {
                            "url": codes.MASSAGED_BY_EXTENSION,
                            "valueCodeableConcept": _choice(
                                codes.MASSAGED_BY, PerformedBy, session["performed_by"]
                            ),
                        }
                    ],
                    "status": "completed",
                    "code": _care(codes.OXYTOCIN_MASSAGE),
                    "subject": patient,
                    "encounter": _reference(
                        "Encounter", _derived(session["public_id"], "encounter")
                    ),
                    "performedPeriod": period,
                    "performer": [{"actor": self.organisation}],
                }
            )

    def measurements(self) -> None:
        for row in self.rows.measurements:
            mother_id = row["mother_id"]
            observation: Resource = {
                "resourceType": "Observation",
                "id": str(row["public_id"]),
                "status": "final",
                "subject": _reference("Patient", self.mother_ids[mother_id]),
                "effectiveDateTime": _instant(row["measured_at"]),
            }
            kind = row["kind"]
            if kind == MeasurementKind.MILK_VOLUME:
                observation["category"] = [_concept(codes.OBSERVATION_CATEGORY, "exam")]
                observation["code"] = _care(codes.MILK_VOLUME)
                observation["valueQuantity"] = _quantity(row["value"], "mL")
                if row["method"]:
                    observation["method"] = _choice(codes.MILK_METHOD, MilkMethod, row["method"])
                if row["side"]:
                    observation["bodySite"] = _choice(codes.BREAST_SIDE, BreastSide, row["side"])
                components = []
                if row["basis"]:
                    components.append(
                        {
                            "code": _concept(codes.MILK_BASIS, "basis", "Basis"),
                            "valueCodeableConcept": _choice(
                                codes.MILK_BASIS, MilkBasis, row["basis"]
                            ),
                        }
                    )
                if row["phase"]:
                    components.append(
                        {
                            "code": _concept(codes.MILK_PHASE, "phase", "Phase"),
                            "valueCodeableConcept": _choice(
                                codes.MILK_PHASE, MilkPhase, row["phase"]
                            ),
                        }
                    )
                if row["expression_minutes"] is not None:
                    components.append(
                        {
                            "code": _concept(codes.CARE, "expression-duration"),
                            "valueQuantity": _quantity(row["expression_minutes"], "min"),
                        }
                    )
                if components:
                    observation["component"] = components
            elif kind == MeasurementKind.INFANT_WEIGHT:
                observation["category"] = [_concept(codes.OBSERVATION_CATEGORY, "vital-signs")]
                observation["code"] = _concept(codes.LOINC, *codes.BODY_WEIGHT)
                observation["valueQuantity"] = _quantity(row["value"], "g")
                infants = self.infants_of[mother_id]
                if infants:
                    # The weight is the infant's own; the mother is the focus of her care.
                    observation["subject"] = _reference("Patient", infants[-1]["public_id"])
                    observation["focus"] = [_reference("Patient", self.mother_ids[mother_id])]
            else:
                observation["category"] = [_concept(codes.OBSERVATION_CATEGORY, "survey")]
                observation["code"] = _care(
                    {
                        MeasurementKind.FEEDS: codes.FEEDS,
                        MeasurementKind.WET_NAPPIES: codes.WET_NAPPIES,
                        MeasurementKind.STOOLS: codes.STOOLS,
                    }[kind]
                )
                observation["valueInteger"] = int(row["value"])
            self.resources.append(observation)

    def flags(self) -> None:
        for flag in self.rows.flags:
            patient = _reference("Patient", self.mother_ids[flag["mother_id"]])
            closed = flag["referral__status"] == ReferralStatus.CLOSED
            period = {"start": _instant(flag["raised_at"])}
            if closed:
                period["end"] = _instant(flag["referral__closed_at"])
            rule = _concept(codes.FLAG_RULE, flag["rule__code"], flag["rule__title_en"])
            self.resources.append(
                {
                    "resourceType": "Flag",
                    "id": str(flag["public_id"]),
                    "status": "inactive" if closed else "active",
                    "category": [_concept(codes.FLAG_CATEGORY, "clinical", "Clinical")],
                    "code": rule,
                    "subject": patient,
                    "period": period,
                    "author": self.organisation,
                }
            )
            if flag["referral__public_id"] is None:
                continue
            request: Resource = {
                "resourceType": "ServiceRequest",
                "id": str(flag["referral__public_id"]),
                "status": "completed" if closed else "active",
                "intent": "order",
                "priority": "urgent" if flag["severity"] == FlagSeverity.RED else "routine",
                "code": _care(codes.MIDWIFE_REVIEW),
                "reasonCode": [rule],
                "subject": patient,
                "authoredOn": _instant(flag["referral__opened_at"]),
                "requester": self.organisation,
                "performer": [self.organisation],
                "supportingInfo": [_reference("Flag", flag["public_id"])],
            }
            if flag["referral__outcome"]:
                request["extension"] = [
                    {
                        "url": codes.REFERRAL_OUTCOME_EXTENSION,
                        "valueCodeableConcept": _choice(
                            codes.REFERRAL_OUTCOME, ReferralOutcome, flag["referral__outcome"]
                        ),
                    }
                ]
            self.resources.append(request)

    def consents(self) -> None:
        for consent in self.rows.consents:
            given = _instant(consent["given_at"])
            provision: dict[str, Any] = {"type": "permit", "period": {"start": given}}
            if consent["withdrawn_at"]:
                provision["period"]["end"] = _instant(consent["withdrawn_at"])
            self.resources.append(
                {
                    "resourceType": "Consent",
                    "id": str(consent["public_id"]),
                    "extension": [
                        {
                            "url": codes.CONSENT_GIVEN_BY_EXTENSION,
                            "valueCodeableConcept": _choice(
                                codes.CONSENT_GIVEN_BY, ConsentGivenBy, consent["given_by"]
                            ),
                        }
                    ],
                    "status": "inactive" if consent["withdrawn_at"] else "active",
                    "scope": _concept(codes.CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
                    "category": [
                        _concept(codes.LOINC, *codes.PATIENT_CONSENT),
                        _choice(codes.CONSENT_SUBJECT, ConsentSubject, consent["subject"]),
                    ],
                    "patient": _reference("Patient", self.mother_ids[consent["mother_id"]]),
                    "dateTime": given,
                    "organization": [self.organisation],
                    "policy": [
                        {
                            "uri": f"{codes.BASE}/consent-text/{consent['subject']}/"
                            f"{consent['text_version']}"
                        }
                    ],
                    "provision": provision,
                }
            )

    def breastfeeding(self) -> None:
        """A LATCH score as an Observation (a local code: LOINC has none for LATCH), and the
        breastfeeding status it shows (LOINC 63895-7): a feed at the breast was observed, so
        she is currently breastfeeding. Nothing says she is not, so that answer is never made."""
        for row in self.rows.latch:
            patient = _reference("Patient", self.mother_ids[row["mother_id"]])
            effective = _instant(row["observed_at"])
            self.resources.append(
                {
                    "resourceType": "Observation",
                    "id": str(row["public_id"]),
                    "status": "final",
                    "category": [_concept(codes.OBSERVATION_CATEGORY, "exam")],
                    "code": _care(codes.LATCH_SCORE),
                    "subject": patient,
                    "effectiveDateTime": effective,
                    "valueInteger": sum(row[item] for item in LATCH_ITEMS),
                    "component": [
                        {
                            "code": _concept(
                                codes.LATCH_ITEM, item, codes.LATCH_ITEM_DISPLAY[item]
                            ),
                            "valueInteger": row[item],
                        }
                        for item in LATCH_ITEMS
                    ],
                }
            )
            self.resources.append(
                {
                    "resourceType": "Observation",
                    "id": _derived(row["public_id"], "breastfeeding-status"),
                    "status": "final",
                    "category": [_concept(codes.OBSERVATION_CATEGORY, "social-history")],
                    "code": _concept(codes.LOINC, *codes.BREASTFEEDING_STATUS),
                    "subject": patient,
                    "effectiveDateTime": effective,
                    "valueCodeableConcept": _concept(codes.LOINC, *codes.CURRENTLY_BREASTFEEDING),
                    "derivedFrom": [_reference("Observation", row["public_id"])],
                }
            )

    # Training ---------------------------------------------------------------------------------

    def _cadre_subject(self, cadre_id: int) -> dict[str, Any]:
        """A cadre is no resource of her own (she is a RelatedPerson per mother): her training
        records name her by her programme code, a logical reference."""
        return {
            "type": "RelatedPerson",
            "identifier": {
                "system": codes.programme_system(self.slug, "cadre"),
                "value": self.cadres[cadre_id]["code"],
            },
        }

    def knowledge_tests(self) -> None:
        questions: dict[int, list[Row]] = defaultdict(list)
        for question in self.rows.questions:
            questions[question["questionnaire_id"]].append(question)
        options: dict[int, list[Row]] = defaultdict(list)
        for option in self.rows.options:
            options[option["question_id"]].append(option)
        canonical: dict[int, str] = {}
        option_codings: dict[int, dict[str, str]] = {}
        question_numbers: dict[int, int] = {}
        for questionnaire in self.rows.questionnaires:
            url = codes.questionnaire_url("knowledge-test", questionnaire["code"])
            canonical[questionnaire["id"]] = f"{url}|{questionnaire['version']}"
            items = []
            for question in questions[questionnaire["id"]]:
                question_numbers[question["id"]] = question["number"]
                answer_options = []
                for option in options[question["id"]]:
                    coding = _coding(
                        codes.KNOWLEDGE_OPTION,
                        f"{questionnaire['code']}/{question['number']}/{option['position']}",
                        option["text_id"],
                    )
                    option_codings[option["id"]] = coding
                    answer_options.append({"valueCoding": coding})
                items.append(
                    {
                        "linkId": str(question["number"]),
                        "text": question["text_id"],
                        "type": "choice",
                        "answerOption": answer_options,
                    }
                )
            self.resources.append(
                {
                    "resourceType": "Questionnaire",
                    "id": str(questionnaire["public_id"]),
                    "url": url,
                    "version": str(questionnaire["version"]),
                    "title": questionnaire["title_id"],
                    "status": "active",
                    "language": "id",
                    "subjectType": ["RelatedPerson"],
                    "item": items,
                }
            )
        answers: dict[int, list[Row]] = defaultdict(list)
        for answer in self.rows.answers:
            answers[answer["attempt_id"]].append(answer)
        for attempt in self.rows.attempts:
            response: Resource = {
                "resourceType": "QuestionnaireResponse",
                "id": str(attempt["public_id"]),
                "extension": [
                    {"url": codes.SCORE_EXTENSION, "valueDecimal": _decimal(attempt["score"])},
                    {
                        "url": codes.TEST_PHASE_EXTENSION,
                        "valueCoding": _choice(codes.TEST_PHASE, TestPhase, attempt["phase"])[
                            "coding"
                        ][0],
                    },
                ],
                "status": "completed",
                "subject": self._cadre_subject(attempt["cadre_id"]),
                "source": self._cadre_subject(attempt["cadre_id"]),
            }
            if attempt["questionnaire_id"] in canonical:
                response["questionnaire"] = canonical[attempt["questionnaire_id"]]
            authored = attempt["completed_at"] or attempt["taken_on"]
            if authored is not None:
                response["authored"] = (
                    _instant(authored)
                    if isinstance(authored, dt.datetime)
                    else authored.isoformat()
                )
            items = []
            for answer in answers[attempt["id"]]:
                if answer["question_id"] not in question_numbers:
                    continue
                item: dict[str, Any] = {"linkId": str(question_numbers[answer["question_id"]])}
                if answer["option_id"] in option_codings:
                    item["answer"] = [{"valueCoding": option_codings[answer["option_id"]]}]
                items.append(item)
            if items:
                response["item"] = items
            self.resources.append(response)

    def skill_checklists(self) -> None:
        steps: dict[int, list[Row]] = defaultdict(list)
        for step in self.rows.steps:
            steps[step["checklist_id"]].append(step)
        canonical: dict[int, str] = {}
        step_numbers: dict[int, int] = {}
        for checklist in self.rows.checklists:
            url = codes.questionnaire_url("skill-checklist", checklist["code"])
            canonical[checklist["id"]] = f"{url}|{checklist['version']}"
            items = []
            for step in steps[checklist["id"]]:
                step_numbers[step["id"]] = step["number"]
                item: dict[str, Any] = {
                    "linkId": str(step["number"]),
                    "text": step["text_id"],
                    "type": "boolean",
                }
                if step["is_critical"]:
                    item["extension"] = [
                        {"url": codes.CRITICAL_STEP_EXTENSION, "valueBoolean": True}
                    ]
                items.append(item)
            self.resources.append(
                {
                    "resourceType": "Questionnaire",
                    "id": str(checklist["public_id"]),
                    "url": url,
                    "version": str(checklist["version"]),
                    "title": checklist["title_id"],
                    "status": "active",
                    "language": "id",
                    "subjectType": ["RelatedPerson"],
                    "item": items,
                }
            )
        results: dict[int, list[Row]] = defaultdict(list)
        for result in self.rows.step_results:
            results[result["assessment_id"]].append(result)
        for assessment in self.rows.assessments:
            response: Resource = {
                "resourceType": "QuestionnaireResponse",
                "id": str(assessment["public_id"]),
                "extension": [
                    {
                        "url": codes.REDEMONSTRATION_EXTENSION,
                        "valueInteger": assessment["attempt"],
                    }
                ],
                "questionnaire": canonical[assessment["checklist_id"]],
                "status": "completed",
                "subject": self._cadre_subject(assessment["cadre_id"]),
                "authored": _instant(assessment["assessed_at"]),
                "item": [
                    {
                        "linkId": str(step_numbers[result["step_id"]]),
                        "answer": [{"valueBoolean": result["done"]}],
                    }
                    for result in results[assessment["id"]]
                    if result["step_id"] in step_numbers
                ],
            }
            if assessment["assessor__public_id"] is not None:
                response["author"] = {
                    "type": "Practitioner",
                    "identifier": {
                        "system": codes.USER_SYSTEM,
                        "value": str(assessment["assessor__public_id"]),
                    },
                }
            if not response["item"]:
                del response["item"]
            self.resources.append(response)


def _quantity(value: Any, unit: str) -> dict[str, Any]:
    number = _decimal(value) if isinstance(value, Decimal) else value
    return {"value": number, "unit": unit, "system": codes.UCUM, "code": unit}


def programme_bundle(
    rows: ProgrammeRows, *, pseudonymised: bool = False, now: dt.datetime
) -> dict[str, Any]:
    """The programme as a FHIR R4 Bundle of type collection (a JSON-ready dict). Every
    resource's id is the row's public id (suffixed where one row gives several resources),
    so exporting twice gives the same ids."""
    builder = _Builder(rows, pseudonymised=pseudonymised)
    builder.areas()
    builder.midwives()
    builder.mothers()
    builder.episodes()
    builder.sessions()
    builder.measurements()
    builder.flags()
    builder.consents()
    builder.breastfeeding()
    builder.knowledge_tests()
    builder.skill_checklists()
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _instant(now),
        "entry": [_entry(resource) for resource in builder.resources],
    }
    if pseudonymised:
        bundle["meta"] = {"security": [_coding(codes.SECURITY, "PSEUDED", "pseudonymized")]}
    return bundle
