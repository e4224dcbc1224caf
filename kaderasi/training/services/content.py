"""Training content: load the standard question bank, checklist and booklet shipped in
`kaderasi/training/content/`, and copy a version so that it can be edited without changing what
cadres already answered.

The loader takes the model classes as arguments so that the data migration can run it with its
historical models; it is idempotent (a code and version already present is left alone).
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max, Model
from django.utils.translation import gettext as _

from kaderasi.core.errors import DomainError
from kaderasi.training.errors import TrainingErrorCode

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
QUESTIONNAIRE_FILE = CONTENT_DIR / "knowledge-test.toml"
CHECKLIST_FILE = CONTENT_DIR / "skill-checklist.toml"
BOOKLET_DIR = CONTENT_DIR / "booklet"
LETTERS = "abcdef"
TRUE_FALSE_OPTIONS = [("Benar", "True"), ("Salah", "False")]


@dataclass(frozen=True)
class ContentModels:
    questionnaire: type[Model]
    question: type[Model]
    option: type[Model]
    checklist: type[Model]
    step: type[Model]
    booklet: type[Model]
    chapter: type[Model]

    @classmethod
    def current(cls) -> "ContentModels":
        from kaderasi.training import models

        return cls(
            questionnaire=models.Questionnaire,
            question=models.Question,
            option=models.Option,
            checklist=models.SkillChecklist,
            step=models.SkillStep,
            booklet=models.Booklet,
            chapter=models.BookletChapter,
        )

    @classmethod
    def historical(cls, apps) -> "ContentModels":
        def get(name: str) -> type[Model]:
            return apps.get_model("training", name)

        return cls(
            questionnaire=get("Questionnaire"),
            question=get("Question"),
            option=get("Option"),
            checklist=get("SkillChecklist"),
            step=get("SkillStep"),
            booklet=get("Booklet"),
            chapter=get("BookletChapter"),
        )


@dataclass(frozen=True)
class StandardContent:
    questionnaire: Any
    checklist: Any
    booklet: Any


def _read_toml(path: Path) -> dict:
    with path.open("rb") as file:
        return tomllib.load(file)


def questionnaire_spec() -> dict:
    """The shipped questionnaire file, checked: every multiple-choice item names one of its
    options as the answer, every true/false item answers true or false."""
    spec = _read_toml(QUESTIONNAIRE_FILE)
    for number, item in enumerate(spec["questions"], start=1):
        if item.get("must_pass") and not item.get("must_pass_reason_en"):
            raise ValueError(f"{QUESTIONNAIRE_FILE.name}: item {number} must pass without a reason")
        if item["kind"] == "multiple_choice":
            letters = LETTERS[: len(item["options_id"])]
            if len(item["options_en"]) != len(letters) or item["answer"] not in letters:
                raise ValueError(f"{QUESTIONNAIRE_FILE.name}: item {number} is inconsistent")
        elif item["kind"] != "true_false" or not isinstance(item["answer"], bool):
            raise ValueError(f"{QUESTIONNAIRE_FILE.name}: item {number} is inconsistent")
    return spec


def checklist_spec() -> dict:
    return _read_toml(CHECKLIST_FILE)


def booklet_spec() -> dict:
    """The booklet index with each chapter's title and markdown body in both languages (the
    first '# ' line of a chapter file is its title)."""
    spec = _read_toml(BOOKLET_DIR / "booklet.toml")
    for chapter in spec["chapters"]:
        for language in ("id", "en"):
            text = (BOOKLET_DIR / language / chapter["file"]).read_text(encoding="utf-8")
            heading, _newline, body = text.partition("\n")
            if not heading.startswith("# "):
                raise ValueError(f"booklet/{language}/{chapter['file']} must start with '# '")
            chapter[f"title_{language}"] = heading[2:].strip()
            chapter[f"body_{language}"] = body.strip() + "\n"
    return spec


def _version_fields(model: type[Model], spec: dict) -> dict:
    """The title and sources of a content version, as `model` stores them: before migration
    training/0007 (which the data migration 0004 runs with) a version had one, English,
    `source`."""
    fields = {key: spec.get(key, "") for key in ("title_id", "title_en", "source_id", "source_en")}
    if "source" in {field.name for field in model._meta.get_fields()}:
        fields["source"] = fields.pop("source_en")
        del fields["source_id"]
    return fields


def _must_pass_fields(model: type[Model], item: dict) -> dict:
    """A question's must-pass flag and reason, as `model` stores them (before migration
    training/0008 a question had neither)."""
    if "must_pass" not in {field.name for field in model._meta.get_fields()}:
        return {}
    return {
        "must_pass": item.get("must_pass", False),
        "must_pass_reason_id": item.get("must_pass_reason_id", ""),
        "must_pass_reason_en": item.get("must_pass_reason_en", ""),
    }


def shipped_must_pass_ensure(*, models: ContentModels | None = None) -> int:
    """Mark the shipped questionnaire's must-pass items (and their reasons) on its rows when they
    are not marked yet: a fresh install loads the questionnaire in migration 0004, before
    questions had the flag. Returns how many questions were marked."""
    models = models or ContentModels.current()
    spec = questionnaire_spec()
    marked = 0
    for number, item in enumerate(spec["questions"], start=1):
        if item.get("must_pass"):
            marked += models.question.objects.filter(
                questionnaire__code=spec["code"],
                questionnaire__version=spec["version"],
                number=number,
                must_pass=False,
                must_pass_reason_id="",
            ).update(**_must_pass_fields(models.question, item))
    return marked


def _load_questionnaire(models: ContentModels, spec: dict):
    existing = models.questionnaire.objects.filter(
        code=spec["code"], version=spec["version"]
    ).first()
    if existing is not None:
        return existing
    questionnaire = models.questionnaire.objects.create(
        code=spec["code"], version=spec["version"], **_version_fields(models.questionnaire, spec)
    )
    for number, item in enumerate(spec["questions"], start=1):
        question = models.question.objects.create(
            questionnaire=questionnaire,
            number=number,
            kind=item["kind"],
            text_id=item["text_id"],
            text_en=item["text_en"],
            explanation_id=item.get("explanation_id", ""),
            explanation_en=item.get("explanation_en", ""),
            source=item.get("source", ""),
            **_must_pass_fields(models.question, item),
        )
        if item["kind"] == "true_false":
            options = [
                (text_id, text_en, item["answer"] is (position == 1), False)
                for position, (text_id, text_en) in enumerate(TRUE_FALSE_OPTIONS, start=1)
            ]
        else:
            fixed = set(item.get("stays_in_place", []))
            options = [
                (text_id, text_en, LETTERS[index] == item["answer"], LETTERS[index] in fixed)
                for index, (text_id, text_en) in enumerate(
                    zip(item["options_id"], item["options_en"], strict=True)
                )
            ]
        models.option.objects.bulk_create(
            models.option(
                question=question,
                position=position,
                text_id=text_id,
                text_en=text_en,
                is_correct=is_correct,
                stays_in_place=stays_in_place,
            )
            for position, (text_id, text_en, is_correct, stays_in_place) in enumerate(
                options, start=1
            )
        )
    return questionnaire


def _load_checklist(models: ContentModels, spec: dict):
    existing = models.checklist.objects.filter(code=spec["code"], version=spec["version"]).first()
    if existing is not None:
        return existing
    checklist = models.checklist.objects.create(
        code=spec["code"], version=spec["version"], **_version_fields(models.checklist, spec)
    )
    models.step.objects.bulk_create(
        models.step(
            checklist=checklist,
            number=number,
            section_id=step["section_id"],
            section_en=step["section_en"],
            text_id=step["text_id"],
            text_en=step["text_en"],
            is_critical=step.get("critical", False),
        )
        for number, step in enumerate(spec["steps"], start=1)
    )
    return checklist


def _load_booklet(models: ContentModels, spec: dict):
    existing = models.booklet.objects.filter(code=spec["code"], version=spec["version"]).first()
    if existing is not None:
        return existing
    booklet = models.booklet.objects.create(
        code=spec["code"],
        version=spec["version"],
        subtitle_id=spec.get("subtitle_id", ""),
        subtitle_en=spec.get("subtitle_en", ""),
        **_version_fields(models.booklet, spec),
    )
    models.chapter.objects.bulk_create(
        models.chapter(
            booklet=booklet,
            number=number,
            slug=chapter["slug"],
            title_id=chapter["title_id"],
            title_en=chapter["title_en"],
            body_id=chapter["body_id"],
            body_en=chapter["body_en"],
        )
        for number, chapter in enumerate(spec["chapters"], start=1)
    )
    return booklet


@transaction.atomic
def standard_content_load(*, models: ContentModels | None = None) -> StandardContent:
    """Create the shipped questionnaire, checklist and booklet unless their code and version
    exist already; return the three (new or existing) rows."""
    models = models or ContentModels.current()
    return StandardContent(
        questionnaire=_load_questionnaire(models, questionnaire_spec()),
        checklist=_load_checklist(models, checklist_spec()),
        booklet=_load_booklet(models, booklet_spec()),
    )


@transaction.atomic
def standard_content_unload(*, models: ContentModels | None = None) -> None:
    """Delete the shipped versions (the data migration's reverse). Fails, changing nothing, when
    a training, attempt or assessment still refers to them."""
    models = models or ContentModels.current()
    for model, spec in (
        (models.questionnaire, questionnaire_spec()),
        (models.checklist, checklist_spec()),
        (models.booklet, _read_toml(BOOKLET_DIR / "booklet.toml")),
    ):
        model.objects.filter(code=spec["code"], version=spec["version"]).delete()


# How to copy each kind of versioned content: its child relation and the child's fields.
_COPY_PLANS = {
    "questionnaire": ("questions", "questionnaire"),
    "skillchecklist": ("steps", "checklist"),
    "booklet": ("chapters", "booklet"),
}


def _copy_row(row: Model, **overrides) -> Model:
    fields = {
        field.name: getattr(row, field.name)
        for field in row._meta.concrete_fields
        if field.name not in {"id", "public_id", "created_at", "updated_at"}
    }
    fields.update(overrides)
    return type(row).objects.create(**fields)


@transaction.atomic
def content_copy_as_new_version(*, content: Model) -> Model:
    """A copy of a questionnaire (with its questions and options), checklist (with its steps) or
    booklet (with its chapters) as the next version of the same code. Trainings keep pointing to
    the version they used; choose the new version for the next training."""
    plan = _COPY_PLANS.get(content._meta.model_name)
    if plan is None:
        raise DomainError(
            TrainingErrorCode.CONTENT_INVALID, _("This kind of content has no versions.")
        )
    children_name, parent_field = plan
    model = type(content)
    latest = model.objects.filter(code=content.code).aggregate(latest=Max("version"))["latest"]
    copy = _copy_row(content, version=latest + 1)
    for child in getattr(content, children_name).all():
        child_copy = _copy_row(child, **{parent_field: copy})
        if children_name == "questions":
            for option in child.options.all():
                _copy_row(option, question=child_copy)
    return copy
