"""Helpers that answer a questionnaire the way a test needs."""

from kaderasi.training.models import Option, Question


def correct_option(question: Question) -> Option:
    return question.options.get(is_correct=True)


def wrong_option(question: Question) -> Option:
    return question.options.filter(is_correct=False).first()


def marks(questionnaire, *, wrong: set[int] = frozenset(), blank: set[int] = frozenset()) -> dict:
    """{question: option} answering every question right except the numbers in `wrong` (a wrong
    option) and `blank` (None)."""
    result = {}
    for question in questionnaire.questions.prefetch_related("options"):
        if question.number in blank:
            result[question] = None
        elif question.number in wrong:
            result[question] = wrong_option(question)
        else:
            result[question] = correct_option(question)
    return result


def english_url(name: str, *args) -> str:
    """The English page's URL (/en/…), for tests that read messages in English."""
    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):
        return reverse(name, args=args)
