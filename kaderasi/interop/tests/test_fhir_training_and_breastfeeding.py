"""The FHIR export's breastfeeding observations (LATCH, and the breastfeeding status it shows)
and the cadres' training as Questionnaire/QuestionnaireResponse, validated with the
fhir.resources R4B models."""

import datetime as dt

import pytest
from fhir.resources.R4B.bundle import Bundle

from kaderasi.accounts.models import User
from kaderasi.cadres.models import Cadre
from kaderasi.care import services as care
from kaderasi.care.models import Mother
from kaderasi.conftest import WIB
from kaderasi.interop.fhir import codes
from kaderasi.interop.fhir.bundle import programme_bundle
from kaderasi.interop.fhir.selectors import programme_fhir_rows
from kaderasi.tests import factories as f
from kaderasi.training import services as training_services
from kaderasi.training.models import Attendance, TestPhase
from kaderasi.training.services.knowledge import answer_sheets_record
from kaderasi.training.services.skills import skill_assessment_record

pytestmark = pytest.mark.django_db


def _bundle(programme, **options):
    rows = programme_fhir_rows(
        programme,
        mothers=Mother.objects.all(),
        cadres=Cadre.objects.all(),
        staff=User.objects.all(),
        **options,
    )
    bundle = programme_bundle(rows, now=dt.datetime(2026, 12, 7, 9, 0, tzinfo=WIB))
    Bundle.model_validate(bundle)
    return bundle


def _of_type(bundle, resource_type):
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type
    ]


@pytest.fixture
def latch(world, now):
    mother = f.delivered_mother(
        programme=world.programme, posyandu=world.mawar, delivered_at=now - dt.timedelta(hours=30)
    )
    return care.care_record_write(
        record=care.LatchScoreRecord(
            mother=mother,
            observed_at=now - dt.timedelta(minutes=10),
            latch=2,
            audible_swallowing=1,
            nipple_type=2,
            comfort=2,
            hold=1,
        ),
        by=None,
        now=now,
    )


def test_a_latch_score_is_an_observation_with_its_five_items(world, latch):
    bundle = _bundle(world.programme)

    [observation] = [o for o in _of_type(bundle, "Observation") if o["id"] == str(latch.public_id)]
    assert observation["code"]["coding"][0] == {
        "system": codes.CARE,
        "code": "latch-score",
        "display": "LATCH breastfeeding assessment, total score",
    }
    assert observation["valueInteger"] == 8
    assert [
        (c["code"]["coding"][0]["code"], c["valueInteger"]) for c in observation["component"]
    ] == [
        ("latch", 2),
        ("audible_swallowing", 1),
        ("nipple_type", 2),
        ("comfort", 2),
        ("hold", 1),
    ]
    assert observation["subject"] == {"reference": f"Patient/{latch.mother.public_id}"}


def test_a_latch_score_shows_she_is_currently_breastfeeding(world, latch):
    bundle = _bundle(world.programme)

    [status] = [
        o for o in _of_type(bundle, "Observation") if o["code"]["coding"][0]["code"] == "63895-7"
    ]
    assert status["code"]["coding"][0]["system"] == "http://loinc.org"
    assert status["valueCodeableConcept"]["coding"][0]["code"] == "LA29252-6"
    assert status["derivedFrom"] == [{"reference": f"Observation/{latch.public_id}"}]
    assert status["effectiveDateTime"] == dt.datetime.isoformat(latch.observed_at.astimezone(WIB))


def test_without_a_latch_score_no_breastfeeding_status_is_guessed(world):
    f.delivered_mother(programme=world.programme, posyandu=world.mawar)

    bundle = _bundle(world.programme)

    assert not [
        o for o in _of_type(bundle, "Observation") if o["code"]["coding"][0]["code"] == "63895-7"
    ]


@pytest.fixture
def wati(cadre_user):
    return cadre_user.cadre


@pytest.fixture
def answered(world, wati, coordinator, now):
    """Wati's paper pre-test (the last question left blank) and her first re-demonstration
    (step 2 not done), in a training using the standard content."""
    content = training_services.standard_content_load()
    training = training_services.training_create(
        programme=world.programme,
        title="Pelatihan kader Wedi",
        starts_at=dt.datetime(2026, 11, 29, 8, 0, tzinfo=WIB),
        ends_at=dt.datetime(2026, 11, 29, 13, 0, tzinfo=WIB),
        venue="Balai Desa Pandes",
        trainers=[coordinator],
        questionnaire=content.questionnaire,
        skill_checklist=content.checklist,
        booklet=content.booklet,
    )
    training_services.participants_record(training=training, attendance={wati: Attendance.PRESENT})
    questions = list(training.questionnaire.questions.order_by("number"))
    sheet = {question: question.options.order_by("position").first() for question in questions}
    sheet[questions[-1]] = None  # left blank
    answer_sheets_record(
        training=training, phase=TestPhase.PRE, sheets={wati: sheet}, by=coordinator, now=now
    )
    steps = list(training.skill_checklist.steps.order_by("number"))
    skill_assessment_record(
        training=training,
        cadre=wati,
        attempt=1,
        results={step: (step.number != 2, "") for step in steps},
        assessor=coordinator,
        now=now,
    )
    return training


def test_the_knowledge_test_is_a_questionnaire_and_each_attempt_a_response(
    world, answered, wati, coordinator
):
    bundle = _bundle(world.programme)

    questionnaires = {q["url"]: q for q in _of_type(bundle, "Questionnaire")}
    knowledge = questionnaires[
        codes.questionnaire_url("knowledge-test", answered.questionnaire.code)
    ]
    assert knowledge["version"] == str(answered.questionnaire.version)
    assert len(knowledge["item"]) == answered.questionnaire.questions.count()
    assert {item["type"] for item in knowledge["item"]} == {"choice"}
    [response] = [
        r
        for r in _of_type(bundle, "QuestionnaireResponse")
        if r["questionnaire"].startswith(knowledge["url"])
    ]
    assert response["questionnaire"] == f"{knowledge['url']}|{knowledge['version']}"
    assert response["subject"] == {
        "type": "RelatedPerson",
        "identifier": {"system": codes.programme_system("wedi-2026", "cadre"), "value": "K01"},
    }
    attempt = wati.test_attempts.get()
    extensions = {e["url"]: e for e in response["extension"]}
    assert extensions[codes.SCORE_EXTENSION]["valueDecimal"] == float(attempt.score)
    assert extensions[codes.TEST_PHASE_EXTENSION]["valueCoding"]["code"] == "pre"
    first_item = knowledge["item"][0]
    assert response["item"][0] == {
        "linkId": first_item["linkId"],
        "answer": [{"valueCoding": first_item["answerOption"][0]["valueCoding"]}],
    }
    # The blank question is there, unanswered.
    assert "answer" not in response["item"][-1]


def test_the_skill_checklist_is_a_questionnaire_of_steps_done_or_not(world, answered, coordinator):
    bundle = _bundle(world.programme)

    url = codes.questionnaire_url("skill-checklist", answered.skill_checklist.code)
    [checklist] = [q for q in _of_type(bundle, "Questionnaire") if q["url"] == url]
    assert {item["type"] for item in checklist["item"]} == {"boolean"}
    [response] = [
        r for r in _of_type(bundle, "QuestionnaireResponse") if r["questionnaire"].startswith(url)
    ]
    answers = {item["linkId"]: item["answer"][0]["valueBoolean"] for item in response["item"]}
    assert answers["2"] is False
    assert answers["1"] is True
    assert response["author"]["identifier"]["value"] == str(coordinator.public_id)
    assert response["extension"] == [{"url": codes.REDEMONSTRATION_EXTENSION, "valueInteger": 1}]


def test_one_mothers_record_leaves_the_cadres_training_out(world, answered):
    bundle = _bundle(world.programme, training=False)

    assert not _of_type(bundle, "Questionnaire")
    assert not _of_type(bundle, "QuestionnaireResponse")
