"""One source of truth for thresholds (issue 19): the booklet and the knowledge test print every
threshold, danger sign and milk reference from the rule data, so a printed number equals its rule
and changing the rule changes the text."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.utils import translation

from kaderasi.care.models import DangerSign, FlagRule
from kaderasi.training.booklets import rendered_chapters
from kaderasi.training.services.content import BOOKLET_DIR, QUESTIONNAIRE_FILE
from kaderasi.training.thresholds import (
    fill_blocks,
    format_number,
    percent_of,
    rule_data,
    unresolved,
)

pytestmark = pytest.mark.django_db

CONTENT_FILES = [QUESTIONNAIRE_FILE, *sorted(Path(BOOKLET_DIR).glob("*/*.md"))]


def _booklet_text(booklet, language: str) -> str:
    with translation.override(language):
        return "\n".join(chapter.html for chapter in rendered_chapters(booklet, language=language))


def _words(html: str) -> str:
    """The booklet's HTML with entities decoded and every run of white space one space."""
    return re.sub(r"\s+", " ", unescape(html))


def _rule(code: str) -> dict:
    return FlagRule.objects.get(code=code).parameters


def _texts_of(questionnaire, language: str) -> list[str]:
    texts = []
    for question in questionnaire.questions.prefetch_related("options"):
        texts += [question.localized("text", language), question.localized("explanation", language)]
        texts += [option.localized("text", language) for option in question.options.all()]
    return texts


@pytest.mark.parametrize("path", CONTENT_FILES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_the_shipped_content_types_no_threshold_that_a_rule_holds(path):
    text = path.read_text(encoding="utf-8")
    typed = re.findall(
        r"\b(?:7|10) ?%|8[–-]12|≥ ?\d|\b48 (?:jam|hours)|\b(?:38|37,5|37\.5) ?°C"
        r"|\b60 (?:kali|breaths)|\b2[.,]500 g|\b24 jam pertama|first 24 hours",
        text,
    )
    assert typed == []


def test_every_value_the_shipped_booklet_and_test_name_resolves_from_the_rule_data(content):
    data = rule_data()
    for chapter in content.booklet.chapters.all():
        for language in ("id", "en"):
            assert unresolved(chapter.localized("body", language), data) == []
    for question in content.questionnaire.questions.prefetch_related("options"):
        for field in ("text_id", "text_en", "explanation_id", "explanation_en"):
            assert unresolved(getattr(question, field), data) == []
        for option in question.options.all():
            assert unresolved(option.text_id, data) == []
            assert unresolved(option.text_en, data) == []


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_rendered_booklet_leaves_no_placeholder(content, language):
    html = _booklet_text(content.booklet, language)
    assert re.findall(r"\{(?:rule|sign|table|list)[.:][^}]*\}", html) == []


def test_the_booklet_prints_the_weight_thresholds_of_the_rules(content):
    review = _rule("infant_weight_loss_review")["loss_percent_above"]
    referral = _rule("infant_weight_loss_referral")["loss_percent_at_least"]
    html = _booklet_text(content.booklet, "en")
    assert f"more than {review} %" in html
    assert f"{referral} % or more" in html
    indonesian = _booklet_text(content.booklet, "id")
    assert f"lebih dari {review} %" in indonesian
    assert f"{referral} % atau lebih" in indonesian


def test_the_booklet_gives_the_grams_of_both_thresholds_for_three_birth_weights(content):
    html = _booklet_text(content.booklet, "en")
    for grams, review, referral in [
        (
            "2,500 g",
            "more than 175 g (weighs under 2,325 g)",
            "250 g or more (weighs 2,250 g or less)",
        ),
        (
            "3,000 g",
            "more than 210 g (weighs under 2,790 g)",
            "300 g or more (weighs 2,700 g or less)",
        ),
        (
            "3,500 g",
            "more than 245 g (weighs under 3,255 g)",
            "350 g or more (weighs 3,150 g or less)",
        ),
    ]:
        assert f"<td>{grams}</td>\n<td>{review}</td>\n<td>{referral}</td>" in html


def test_changing_a_rule_changes_the_booklet_and_the_test(content):
    FlagRule.objects.filter(code="infant_weight_loss_referral").update(
        parameters={"loss_percent_at_least": 12}
    )
    FlagRule.objects.filter(code="feeds_below_minimum").update(parameters={"minimum_feeds": 9})
    html = _booklet_text(content.booklet, "en")
    assert "12 % or more" in html
    assert "360 g or more (weighs 2,640 g or less)" in html
    assert "at least 9 times" in html
    assert "10 % or more" not in html
    item_16 = content.questionnaire.questions.get(number=16)
    assert "loses 12 % or more of its birth weight" in item_16.localized("text", "en")
    assert "turun 12 % atau lebih" in item_16.localized("text", "id")
    item_11 = content.questionnaire.questions.get(number=11)
    assert [o.localized("text", "en") for o in item_11.options.all()][2] == (
        "At least 9 times, day and night"
    )


def test_the_test_says_10_percent_or_more_as_the_referral_rule_and_the_booklet_do(content):
    referral = _rule("infant_weight_loss_referral")["loss_percent_at_least"]
    item_16 = content.questionnaire.questions.get(number=16)
    assert f"{referral} % or more" in item_16.localized("text", "en")
    assert "more than" not in item_16.localized("text", "en")
    for language in ("id", "en"):
        assert all("{" not in text for text in _texts_of(content.questionnaire, language))


def test_the_urine_question_and_table_print_the_rules_count(content):
    expected = _rule("wet_nappies_below_day_of_life")["expected_at_most"]
    item_15 = content.questionnaire.questions.get(number=15)
    correct = item_15.options.get(is_correct=True)
    assert correct.localized("text", "en") == f"{expected} times a day"
    assert f"{expected} kali atau lebih" in _booklet_text(content.booklet, "id")


def test_the_booklet_prints_the_breathing_count_of_the_danger_sign(content):
    breaths = DangerSign.objects.get(code="difficult_breathing").parameters["breaths_per_minute"]
    html = _booklet_text(content.booklet, "en")
    assert f"{breaths} breaths or more in 1 minute</strong> is fast breathing" in html


@pytest.mark.parametrize(("group", "language"), [("mother", "id"), ("newborn", "en")])
def test_the_booklets_danger_signs_are_the_apps_active_danger_signs(content, group, language):
    html = _booklet_text(content.booklet, language)
    signs = DangerSign.objects.filter(group=group, is_active=True)
    assert signs.exists()
    with translation.override(language):
        for sign in signs:
            assert re.sub(r"\s+", " ", sign.text) in _words(html)


def test_the_booklet_groups_the_signs_by_what_the_cadre_does(content):
    html = _words(_booklet_text(content.booklet, "en"))
    assert DangerSign.objects.filter(group="newborn", severity="emergency").exists()
    assert "Take the baby to the puskesmas or hospital now, then call the midwife:" in html
    assert "Take her to the puskesmas or hospital now, then call the midwife:" in html


def test_a_sign_switched_off_in_the_admin_leaves_the_booklet(content):
    sign = DangerSign.objects.filter(group="mother", is_active=True).first()
    with translation.override("en"):
        text = sign.text
    assert text in _booklet_text(content.booklet, "en")
    DangerSign.objects.filter(pk=sign.pk).update(is_active=False)
    assert text not in _booklet_text(content.booklet, "en")


def test_the_booklet_never_tells_the_cadre_to_call_the_midwife_because_the_mother_declines(
    content,
):
    declines = DangerSign.objects.filter(code="mother_declines").first()
    html = _words(_booklet_text(content.booklet, "id"))
    if declines is not None:
        assert declines.text_id not in html
    assert "Menolak pijat <strong>bukan</strong> alasan untuk menelepon bidan" in html
    english = _words(_booklet_text(content.booklet, "en"))
    assert "Declining is <strong>not</strong> a reason to call the midwife" in english


def test_the_booklets_milk_table_is_the_reference_table_labelled_as_a_small_studys_extremes(
    content,
):
    html = _booklet_text(content.booklet, "en")
    assert "<td>Day 1</td>\n<td>about 37.1 mL</td>\n<td>7–122.5 mL</td>" in html
    assert "<td>Day 3</td>\n<td>about 408 mL</td>\n<td>98–775 mL</td>" in html
    assert "<td>Day 5</td>\n<td>about 705 mL</td>\n<td>452–876 mL</td>" in html
    assert "Day 7" not in html
    assert "lowest and the highest of the 9 mothers in one small study, not a normal range" in html
    indonesian = _booklet_text(content.booklet, "id")
    assert "<td>Hari 3</td>\n<td>sekitar 408 mL</td>\n<td>98–775 mL</td>" in indonesian
    assert "<td>Hari 1</td>\n<td>sekitar 37,1 mL</td>\n<td>7–122,5 mL</td>" in indonesian


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_booklet_uses_the_plain_words_of_the_review(content, language):
    html = _words(_booklet_text(content.booklet, language)).lower()
    misleading_words = ["let-down", "setinggi tulang belikat", "dengan sendirinya",
                        "increases by itself", "popok basah", "wet nappies"]  # fmt: skip
    for misleading in misleading_words:
        assert misleading not in html
    plain = {
        "id": ["ujung bawah tulang belikat, di garis tali bra", "berbaring miring",
               "bantal di atas perut", "hak ibu", "bukan tanda bahaya", "1 menit penuh",
               "bak (buang air kecil)", "makin sering bayi mengisap"],
        "en": ["lower tip of the shoulder blades, on the bra-strap line", "lies on her side",
               "a pillow over her belly", "her right", "not danger signs", "1 full minute",
               "passes urine (bak)", "the more often the baby sucks"],
    }  # fmt: skip
    for words in plain[language]:
        assert words in html


def test_the_booklet_draws_counting_breaths_and_chest_indrawing(content):
    html = _booklet_text(content.booklet, "id")
    assert html.count('<figure class="illustration"><div class="drawing"><svg') == 4
    assert 'class="illustration missing"' not in html


def test_numbers_print_in_the_readers_language():
    assert format_number(3000, "id") == "3.000"
    assert format_number(3000, "en") == "3,000"
    assert format_number(37.5, "id") == "37,5"
    assert format_number(10, "en") == "10"
    assert percent_of(3000, 7) == 210


def test_an_unknown_block_or_value_stays_visible(db):
    data = rule_data(with_rows=True)
    assert fill_blocks("{table:nothing}", data, "en") == "{table:nothing}"
    assert unresolved("{rule.no_such_rule.hours} {rule.no_stool_by_48_hours.hours}", data) == [
        "{rule.no_such_rule.hours}"
    ]
