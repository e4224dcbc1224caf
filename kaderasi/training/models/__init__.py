"""Cadre training: events, content (questionnaires, checklists, booklet), knowledge tests, skill
assessments, certificates and the programme's training policy."""

from kaderasi.training.models.certificates import Certificate
from kaderasi.training.models.content import (
    Booklet,
    BookletChapter,
    Option,
    Question,
    QuestionKind,
    Questionnaire,
    SkillChecklist,
    SkillStep,
)
from kaderasi.training.models.events import (
    Attendance,
    Participant,
    TestPhase,
    Training,
    training_video_path,
)
from kaderasi.training.models.knowledge import AttemptStatus, ItemAnswer, TestAttempt, TestEntry
from kaderasi.training.models.policies import SkillPassBasis, TrainingPolicy
from kaderasi.training.models.skills import PracticePartner, SkillAssessment, SkillStepResult

__all__ = [
    "AttemptStatus",
    "Attendance",
    "Booklet",
    "BookletChapter",
    "Certificate",
    "ItemAnswer",
    "Option",
    "Participant",
    "PracticePartner",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "SkillAssessment",
    "SkillChecklist",
    "SkillPassBasis",
    "SkillStep",
    "SkillStepResult",
    "TestAttempt",
    "TestEntry",
    "TestPhase",
    "Training",
    "TrainingPolicy",
    "training_video_path",
]
