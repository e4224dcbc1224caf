"""The report's sentences for small and degenerate data, in English and Indonesian (issue 13)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from kaderasi.care.phase_volumes import PhaseVolume
from kaderasi.evaluation.presentation import evaluation_sections
from kaderasi.evaluation.rendering import render_text
from kaderasi.evaluation.results import evaluation_of
from kaderasi.evaluation.selectors import CadreScores, MotherVolumes
from kaderasi.tests import factories as f

pytestmark = pytest.mark.django_db

MEASURED_AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def _volume(volume_ml: float, day: int) -> PhaseVolume:
    return PhaseVolume(
        volume_ml=volume_ml,
        postpartum_day=day,
        basis="unknown",
        method="",
        measured_at=MEASURED_AT,
        measurements_used=1,
    )


def _mothers(*pairs: tuple[float, float]) -> list[MotherVolumes]:
    return [
        MotherVolumes(
            code=f"M{index:02d}",
            group="intervention",
            before=_volume(before, 1),
            after=_volume(after, 3),
            measurements_unused=0,
        )
        for index, (before, after) in enumerate(pairs, start=1)
    ]


@pytest.fixture
def programme(world):
    return f.ProgrammeFactory(area=world.pandes)


def _report(programme, language: str, volumes: list[MotherVolumes], knowledge=()) -> str:
    with translation.override(language):
        evaluation = evaluation_of(
            slug=programme.slug,
            has_comparison=False,
            is_illustrative=False,
            knowledge=list(knowledge),
            volumes=volumes,
            references=[],
        )
        text = render_text(evaluation_sections(evaluation, programme))
    return " ".join(text.split())


def test_one_mother_is_counted_in_the_singular_in_both_languages(programme):
    volumes = _mothers((40, 300))
    assert "a mean difference of 260.00 ml over 1 mother." in _report(programme, "en", volumes)
    assert "selisih rerata 260,00 ml pada 1 ibu." in _report(programme, "id", volumes)
    knowledge = [CadreScores(code="K01", pre=50, post=80)]
    assert "over 1 cadre." in _report(programme, "en", volumes, knowledge)
    assert "over 1 mothers" not in _report(programme, "en", volumes)


def test_two_mothers_are_counted_in_the_plural(programme):
    text = _report(programme, "en", _mothers((40, 300), (50, 280)))
    assert "over 2 mothers." in text


def test_one_mother_does_not_point_to_a_confidence_interval_that_does_not_exist(programme):
    english = _report(programme, "en", _mothers((40, 300)))
    assert "see the width of the confidence interval" not in english
    assert (
        "Only 1 mother has both milk volumes: one pair gives no confidence interval and no check "
        "of normality, and it says nothing about other mothers." in english
    )
    indonesian = _report(programme, "id", _mothers((40, 300)))
    assert "lebar interval kepercayaan" not in indonesian
    assert (
        "Hanya 1 ibu yang memiliki kedua volume ASI: satu pasang tidak menghasilkan interval "
        "kepercayaan maupun uji normalitas, dan tidak menggambarkan ibu lain." in indonesian
    )


def test_equal_differences_do_not_point_to_a_confidence_interval_either(programme):
    english = _report(programme, "en", _mothers((40, 50), (60, 70), (80, 90)))
    assert "see the width of the confidence interval" not in english
    assert (
        "Only 3 mothers have both milk volumes: the estimates are imprecise and the normality "
        "check that chooses the primary test has little power." in english
    )


def test_all_differences_zero_say_that_no_test_is_possible_instead_of_naming_wilcoxon(programme):
    volumes = _mothers((40, 40), (60, 60), (80, 80))
    english = _report(programme, "en", volumes)
    assert (
        "Every difference is zero, so there is no change to test: no test is possible (the "
        "Wilcoxon signed-rank test leaves out zero differences and the paired t-test needs "
        "differences that vary)." in english
    )
    assert "Primary test: Wilcoxon signed-rank test" not in english
    assert "Wilcoxon signed-rank test, exact" not in english
    indonesian = _report(programme, "id", volumes)
    assert (
        "Semua selisih bernilai nol, jadi tidak ada perubahan yang dapat diuji: tidak ada uji "
        "yang dapat dilakukan" in indonesian
    )
    assert "Uji utama: uji peringkat bertanda Wilcoxon" not in indonesian


def test_constant_non_zero_differences_keep_the_wilcoxon_test_and_its_p_value(programme):
    english = _report(programme, "en", _mothers((40, 50), (60, 70), (80, 90)))
    assert "Primary test: Wilcoxon signed-rank test, because all differences are equal." in english
    assert "Wilcoxon signed-rank test, exact W+ 6 0.250" in english
