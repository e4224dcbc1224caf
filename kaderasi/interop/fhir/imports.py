"""Importing a FHIR Bundle of Patients and milk-volume Observations into a programme: all or
nothing, every problem listed by entry and element (the workbook import's row-level style).

What is read (docs/fhir.md, "Import"):
- a Patient is a mother when a milk Observation is about her or she carries a kaderasi mother
  identifier; her code is that identifier (else her first identifier that is not a NIK), her NIK
  the identifier under the SATUSEHAT NIK system; a mother whose code the programme has already
  is that mother (nothing of her is changed);
- an Observation is read when its code is `care#milk-volume`; other resources and observations
  are left out.
Volumes go through the care app's one write path (`care_records_write`, historical)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from kaderasi.accounts.models import User
from kaderasi.care import services as care
from kaderasi.care.models import (
    BreastSide,
    MeasurementKind,
    MilkBasis,
    MilkMethod,
    MilkPhase,
    Mother,
    StudyGroup,
)
from kaderasi.care.models.mothers import nik_validator
from kaderasi.core.errors import DomainError
from kaderasi.core.policies import Permission, can
from kaderasi.interop.areas import PATH_SEPARATORS, AreaProblem, AreaResolver, PosyanduTarget
from kaderasi.interop.errors import InteropErrorCode
from kaderasi.interop.fhir import codes
from kaderasi.interop.models import ImportSource, ProgrammeImport
from kaderasi.interop.plan import ImportIssue, ImportRejected, key_of
from kaderasi.programmes.models import Programme
from kaderasi.programmes.selectors import programmes_visible_to

PATIENT = "Patient"
OBSERVATION = "Observation"
MAX_CODE_LENGTH = Mother._meta.get_field("code").max_length
MAX_NAME_LENGTH = Mother._meta.get_field("name").max_length
# Where a refusal of the care write path lands in the Observation.
FIELD_ELEMENTS = {
    "value": "valueQuantity.value",
    "measured_at": "effectiveDateTime",
    "method": "method",
    "phase": "component",
    None: "subject",
}


def fhir_issue_line(issue: ImportIssue) -> str:
    """ "Entry 5 (Observation), valueQuantity.code: …" """
    if issue.row is None:
        return issue.message
    where = _("Entry %(entry)s (%(resource)s)") % {"entry": issue.row, "resource": issue.sheet}
    if issue.column:
        where = f"{where}, {issue.column}"
    return f"{where}: {issue.message}"


def read_bundle(content: bytes) -> dict[str, Any]:
    """The JSON of a FHIR Bundle, or a DomainError saying why the file is not one."""
    try:
        bundle = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DomainError(
            InteropErrorCode.UNREADABLE_FILE,
            _("The file is not JSON: %(error)s.") % {"error": error},
        ) from error
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise DomainError(
            InteropErrorCode.UNREADABLE_FILE, _("The file is not a FHIR Bundle (resourceType).")
        )
    if not isinstance(bundle.get("entry", []), list):
        raise DomainError(InteropErrorCode.UNREADABLE_FILE, _("The Bundle's entry is not a list."))
    return bundle


@dataclass
class _MotherPlan:
    entry: int
    code: str
    name: str
    nik: str
    target: PosyanduTarget | None = None
    existing: Mother | None = None


@dataclass
class _VolumePlan:
    entry: int
    patient_key: str
    measured_at: dt.datetime
    volume_ml: Decimal
    method: str = ""
    side: str = ""
    basis: str = ""
    phase: str = ""


@dataclass
class FhirImportPlan:
    mothers: dict[str, _MotherPlan] = field(default_factory=dict)
    volumes: list[_VolumePlan] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    def refuse(self, resource: str, entry: int, element: str, code, message: str) -> None:
        self.issues.append(ImportIssue(resource, entry, element, code, str(message)))


def _dict(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one: a malformed element reads as missing."""
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _reference(resource: dict[str, Any]) -> str:
    return str(_dict(resource.get("subject")).get("reference") or "")


def _concept_code(concept: Any, system: str) -> str | None:
    if not isinstance(concept, dict):
        return None
    for coding in _list(concept.get("coding")):
        if isinstance(coding, dict) and coding.get("system") == system:
            return str(coding.get("code") or "")
    return None


def _is_milk_volume(resource: dict[str, Any]) -> bool:
    return _concept_code(resource.get("code"), codes.CARE) == codes.MILK_VOLUME


def _is_mother_identifier(identifier: dict[str, Any]) -> bool:
    system = str(identifier.get("system") or "")
    return system.startswith(f"{codes.PROGRAMME_SYSTEM}/") and system.endswith("/mother")


def plan_fhir_bundle(bundle: dict[str, Any], *, programme: Programme) -> FhirImportPlan:
    """Read `bundle` against `programme` without writing: what would be created, and every
    problem found."""
    plan = FhirImportPlan()
    patients: dict[str, tuple[int, dict[str, Any]]] = {}
    observations: list[tuple[int, dict[str, Any]]] = []
    for number, entry in enumerate(_list(bundle.get("entry")), start=1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind == PATIENT:
            for key in _patient_keys(entry, resource):
                patients[key] = (number, resource)
        elif kind == OBSERVATION and _is_milk_volume(resource):
            observations.append((number, resource))
    subjects = {_reference(resource) for _number, resource in observations}
    for number, resource in observations:
        volume = _volume(plan, number, resource, patients)
        if volume is not None:
            plan.volumes.append(volume)
    existing = {key_of(m.code): m for m in Mother.objects.filter(programme=programme)}
    resolver = AreaResolver(programme.area)
    keys_of: dict[int, list[str]] = {}
    for key, (number, _resource) in patients.items():
        keys_of.setdefault(number, []).append(key)
    for number, keys in keys_of.items():
        resource = patients[keys[0]][1]
        identifiers = [i for i in _list(resource.get("identifier")) if isinstance(i, dict)]
        if not subjects.intersection(keys) and not any(
            _is_mother_identifier(i) for i in identifiers
        ):
            continue  # an infant, or someone else this import does not hold
        mother = _mother(plan, number, resource, identifiers, existing, resolver)
        if mother is None:
            continue
        if key_of(mother.code) in {key_of(m.code) for m in plan.mothers.values()}:
            plan.refuse(
                PATIENT,
                number,
                "identifier",
                InteropErrorCode.DUPLICATE_CODE,
                _("Another Patient of the bundle has the code %(code)s.") % {"code": mother.code},
            )
            continue
        for key in keys:
            plan.mothers[key] = mother
    if not plan.mothers and not plan.volumes and not plan.issues:
        plan.refuse(
            "Bundle",
            None,
            "",
            InteropErrorCode.NO_DATA,
            _("The bundle has no Patient and no milk-volume Observation to import."),
        )
    return plan


def _patient_keys(entry: dict[str, Any], resource: dict[str, Any]) -> list[str]:
    keys = []
    if resource.get("id"):
        keys.append(f"Patient/{resource['id']}")
    if entry.get("fullUrl"):
        keys.append(str(entry["fullUrl"]))
    return keys


def _mother(plan, number, resource, identifiers, existing, resolver) -> _MotherPlan | None:
    mother_ids = [i for i in identifiers if _is_mother_identifier(i)]
    others = [i for i in identifiers if i.get("system") != codes.NIK]
    chosen = (mother_ids or others or [None])[0]
    code = str((chosen or {}).get("value") or "").strip()
    if not code:
        plan.refuse(
            PATIENT,
            number,
            "identifier",
            InteropErrorCode.REQUIRED,
            _("A Patient needs an identifier that is not a NIK: it becomes the mother's code."),
        )
        return None
    if len(code) > MAX_CODE_LENGTH:
        plan.refuse(
            PATIENT,
            number,
            "identifier",
            InteropErrorCode.TOO_LONG,
            _("The code %(code)s is longer than %(max)s characters.")
            % {"code": code, "max": MAX_CODE_LENGTH},
        )
        return None
    if key_of(code) in existing:
        return _MotherPlan(number, code, "", "", existing=existing[key_of(code)])
    nik = next((str(i.get("value") or "") for i in identifiers if i.get("system") == codes.NIK), "")
    if nik:
        try:
            nik_validator(nik)
        except ValidationError:
            plan.refuse(
                PATIENT,
                number,
                "identifier",
                InteropErrorCode.INVALID_NUMBER,
                _("A NIK has exactly 16 digits."),
            )
            return None
    name = _name(resource) or code
    if len(name) > MAX_NAME_LENGTH:
        plan.refuse(
            PATIENT,
            number,
            "name",
            InteropErrorCode.TOO_LONG,
            _("The name is longer than %(max)s characters.") % {"max": MAX_NAME_LENGTH},
        )
        return None
    target = _place(plan, number, resource, resolver)
    if target is None:
        return None
    return _MotherPlan(number, code, name, nik, target=target)


def _name(resource: dict[str, Any]) -> str:
    for name in _list(resource.get("name")):
        if not isinstance(name, dict):
            continue
        text = str(name.get("text") or "").strip()
        if text:
            return text
        parts = [*_list(name.get("given")), name.get("family") or ""]
        joined = " ".join(str(part).strip() for part in parts if str(part).strip())
        if joined:
            return joined
    return ""


def _place(plan, number, resource, resolver: AreaResolver) -> PosyanduTarget | None:
    """Her posyandu: from the address's village (its Kemendagri code, else its first line) and
    the posyandu named last in the address text ("… / Desa X / Posyandu Y", as exported)."""
    addresses = [a for a in _list(resource.get("address")) if isinstance(a, dict)]
    address = addresses[0] if addresses else {}
    village = None
    for extension in _list(address.get("extension")):
        if _dict(extension).get("url") != codes.ADMINISTRATIVE_CODE:
            continue
        for part in _list(extension.get("extension")):
            part = _dict(part)
            if part.get("url") == "village" and part.get("valueCode"):
                found = [
                    area
                    for area in resolver.villages
                    if area.code.replace(".", "") == str(part["valueCode"]).replace(".", "")
                ]
                if found:
                    village = found[0].name
    lines = _list(address.get("line"))
    if village is None and lines:
        village = str(lines[0]).strip() or None
    posyandu = None
    parts = [p for p in PATH_SEPARATORS.split(str(address.get("text") or "")) if p.strip()]
    if len(parts) >= 2 and village and parts[-2].strip() == village:
        posyandu = parts[-1].strip()
    if village is None and posyandu is None:
        target = resolver.default_target()
        if target is None:
            plan.refuse(
                PATIENT,
                number,
                "address",
                InteropErrorCode.VILLAGE_REQUIRED,
                _("%(area)s has several villages: give the Patient's village in address.line.")
                % {"area": resolver.area.name},
            )
        return target
    found = resolver.resolve(village=village, posyandu=posyandu)
    if isinstance(found, AreaProblem):
        plan.refuse(PATIENT, number, "address", found.code, found.message)
        return None
    return found


def _volume(plan, number, resource, patients) -> _VolumePlan | None:
    problems = len(plan.issues)
    subject = _reference(resource)
    if subject not in patients:
        plan.refuse(
            OBSERVATION,
            number,
            "subject",
            InteropErrorCode.UNKNOWN_MOTHER,
            _("The subject %(reference)s is not a Patient of the bundle.")
            % {"reference": subject or "—"},
        )
    quantity = _dict(resource.get("valueQuantity"))
    volume = None
    if quantity.get("system") != codes.UCUM or quantity.get("code") != "mL":
        plan.refuse(
            OBSERVATION,
            number,
            "valueQuantity.code",
            InteropErrorCode.INVALID_CHOICE,
            _("A milk volume must be in millilitres (UCUM code mL)."),
        )
    else:
        try:
            volume = Decimal(str(quantity.get("value")))
            if not volume.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            plan.refuse(
                OBSERVATION,
                number,
                "valueQuantity.value",
                InteropErrorCode.INVALID_NUMBER,
                _("The volume is not a number."),
            )
    measured_at = _instant(resource.get("effectiveDateTime"))
    if measured_at is None:
        plan.refuse(
            OBSERVATION,
            number,
            "effectiveDateTime",
            InteropErrorCode.INVALID_DATE,
            _("A milk volume needs its date and time with a time zone (effectiveDateTime)."),
        )
    values = {}
    for element, concept, system, choices in (
        ("method", resource.get("method"), codes.MILK_METHOD, MilkMethod),
        ("bodySite", resource.get("bodySite"), codes.BREAST_SIDE, BreastSide),
        *(
            (
                "component",
                component.get("valueCodeableConcept"),
                component_system,
                component_choices,
            )
            for component in _list(resource.get("component"))
            if isinstance(component, dict)
            for component_system, component_choices in (
                (codes.MILK_BASIS, MilkBasis),
                (codes.MILK_PHASE, MilkPhase),
            )
            if _concept_code(component.get("code"), component_system) is not None
        ),
    ):
        code = _concept_code(concept, system)
        if code is None:
            continue
        if code not in choices.values:
            plan.refuse(
                OBSERVATION,
                number,
                element,
                InteropErrorCode.INVALID_CHOICE,
                _("%(code)s is not one of %(choices)s.")
                % {"code": code, "choices": ", ".join(choices.values)},
            )
            continue
        values[system] = code
    if len(plan.issues) > problems:
        return None
    return _VolumePlan(
        entry=number,
        patient_key=subject,
        measured_at=measured_at,
        volume_ml=volume,
        method=values.get(codes.MILK_METHOD, ""),
        side=values.get(codes.BREAST_SIDE, ""),
        basis=values.get(codes.MILK_BASIS, ""),
        phase=values.get(codes.MILK_PHASE, ""),
    )


def _instant(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed


def bundle_hash(bundle: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(bundle, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()


def fhir_import(
    *,
    bundle: dict[str, Any],
    programme: Programme,
    by: User,
    now: dt.datetime,
    file_name: str,
    source: str = ImportSource.CONSOLE,
) -> ProgrammeImport:
    """Import the Patients and milk volumes of `bundle` into `programme`. Either everything is
    saved, or nothing: ImportRejected lists every problem by entry and element; DomainError
    refuses the import as a whole (`by` may not import or cannot see the programme, or the same
    bundle was imported into it already)."""
    if not can(by, Permission.IMPORT_PROGRAMME):
        raise DomainError(
            InteropErrorCode.NOT_ALLOWED, _("Only a coordinator or an administrator may import.")
        )
    if not programmes_visible_to(by).filter(pk=programme.pk).exists():
        raise DomainError(
            InteropErrorCode.PROGRAMME_NOT_VISIBLE,
            _("The programme %(slug)s is outside your area.") % {"slug": programme.slug},
        )
    content_hash = bundle_hash(bundle)
    if ProgrammeImport.objects.filter(programme=programme, content_sha256=content_hash).exists():
        raise _already_imported(programme)
    plan = plan_fhir_bundle(bundle, programme=programme)
    if plan.issues:
        raise ImportRejected(plan.issues)
    try:
        with transaction.atomic():
            mothers = _write_mothers(plan, programme)
            records = [
                care.MeasurementRecord(
                    mother=mothers[volume.patient_key],
                    kind=MeasurementKind.MILK_VOLUME,
                    measured_at=volume.measured_at,
                    value=volume.volume_ml,
                    method=volume.method,
                    basis=volume.basis,
                    phase=volume.phase,
                    side=volume.side,
                )
                for volume in plan.volumes
            ]
            outcomes = care.care_records_write(records=records, by=by, now=now, historical=True)
            issues = [
                ImportIssue(
                    OBSERVATION,
                    volume.entry,
                    FIELD_ELEMENTS.get(outcome.error.field, outcome.error.field or ""),
                    outcome.error.code,
                    str(outcome.error.message),
                )
                for volume, outcome in zip(plan.volumes, outcomes, strict=True)
                if outcome.error is not None
            ]
            if issues:
                raise ImportRejected(issues)
            return ProgrammeImport.objects.create(
                programme=programme,
                file_name=file_name[:255],
                content_sha256=content_hash,
                source=source,
                imported_by=by,
                imported_at=now,
                created_programme=False,
                mothers=len({id(m) for m in plan.mothers.values() if m.existing is None}),
                milk_volumes=len(plan.volumes),
            )
    except IntegrityError as error:
        if ProgrammeImport.objects.filter(
            programme=programme, content_sha256=content_hash
        ).exists():
            raise _already_imported(programme) from error
        raise


def _already_imported(programme: Programme) -> DomainError:
    return DomainError(
        InteropErrorCode.ALREADY_IMPORTED,
        _("This bundle was already imported into %(slug)s.") % {"slug": programme.slug},
    )


def _write_mothers(plan: FhirImportPlan, programme: Programme) -> dict[str, Mother]:
    resolver = AreaResolver(programme.area)
    written: dict[int, Mother] = {}
    by_key: dict[str, Mother] = {}
    for key, mother in plan.mothers.items():
        if id(mother) not in written:
            if mother.existing is not None:
                written[id(mother)] = mother.existing
            else:
                written[id(mother)] = Mother.objects.create(
                    programme=programme,
                    code=mother.code,
                    name=mother.name,
                    nik=mother.nik,
                    posyandu=resolver.area_for(mother.target),
                    group=StudyGroup.INTERVENTION,
                )
        by_key[key] = written[id(mother)]
    return by_key
