"""Training content is data: the question bank, the checklist and the booklet are seeded from
files, read in either language, edited in the admin, and versioned once cadres answered them."""

import pytest
from django.urls import reverse
from django.utils import translation

from kaderasi.training import services
from kaderasi.training.booklets import render_markdown
from kaderasi.training.documents import booklet_pdf
from kaderasi.training.models import (
    Option,
    Question,
    QuestionKind,
    Questionnaire,
    TestPhase,
)
from kaderasi.training.tests.answering import english_url, marks
from kaderasi.training.tests.pdfs import needs_poppler, pdf_pages_and_size, pdf_text

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_the_twenty_item_question_bank_with_one_right_answer_each():
    questionnaire = Questionnaire.objects.get(code="pengetahuan-pijat-oksitosin", version=2)
    questions = list(questionnaire.questions.prefetch_related("options"))
    assert [q.number for q in questions] == list(range(1, 21))
    assert {q.kind for q in questions} == {QuestionKind.MULTIPLE_CHOICE, QuestionKind.TRUE_FALSE}
    for question in questions:
        assert sum(o.is_correct for o in question.options.all()) == 1
        assert question.text_id and question.text_en
        expected = 2 if question.kind == QuestionKind.TRUE_FALSE else 4
        assert question.options.count() == expected


def test_loading_the_standard_content_again_creates_nothing(content):
    counts = (Questionnaire.objects.count(), Question.objects.count(), Option.objects.count())
    again = services.standard_content_load()
    assert again.questionnaire == content.questionnaire
    assert (Questionnaire.objects.count(), Question.objects.count(), Option.objects.count()) == (
        counts
    )


@pytest.mark.parametrize(
    ("language", "title"),
    [("id", "Pijat Oksitosin untuk Ibu Nifas"), ("en", "Oxytocin Massage for New Mothers")],
)
def test_the_booklet_reads_on_a_phone_in_both_languages_with_its_drawings(
    client, content, cadre_user, language, title
):
    client.force_login(cadre_user)
    with translation.override(language):
        url = reverse("training:booklet", args=[content.booklet.code, content.booklet.version])
    page = client.get(url).content.decode()
    assert f"<h1>{title}</h1>" in page
    assert page.count('<figure class="illustration"><div class="drawing"><svg') == 4
    assert len(content.booklet.chapters.all()) == 6


def test_a_coordinators_edit_of_a_chapter_shows_in_the_booklet(client, content, cadre_user):
    chapter = content.booklet.chapters.get(number=4)
    chapter.body_id += "\n\nKiat baru: **susui sambil berbaring** bila ibu lelah.\n"
    chapter.save()
    client.force_login(cadre_user)
    page = client.get(
        reverse("training:booklet", args=[content.booklet.code, content.booklet.version])
    ).content.decode()
    assert "<strong>susui sambil berbaring</strong>" in page


def test_markdown_written_by_a_coordinator_cannot_inject_html_or_script_links():
    html = render_markdown(
        "<script>alert(1)</script>\n\n[tautan](javascript:alert(1)) [situs](https://who.int)\n\n"
        "![foto](https://example.org/x.png)"
    )
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://who.int">situs</a>' in html
    assert "example.org" not in html


@needs_poppler
def test_the_booklet_prints_as_an_a5_pdf_with_contents_and_every_chapter(content, tmp_path):
    path = tmp_path / "booklet.pdf"
    path.write_bytes(booklet_pdf(content.booklet, language="id"))
    pages, size = pdf_pages_and_size(path)
    assert size == (420, 595)  # A5 portrait, in points
    assert pages % 4 == 0  # folds into a saddle-stitched booklet without blank sheets
    text = pdf_text(path)
    for chapter in content.booklet.chapters.all():
        assert chapter.title_id in text
    assert "Jangan memijat" in text


@needs_poppler
@pytest.mark.parametrize(
    ("language", "shown", "not_shown"),
    [
        ("id", "Ditulis untuk kaderasi", "Written for kaderasi"),
        ("en", "Written for kaderasi", "Ditulis untuk kaderasi"),
    ],
)
def test_the_booklets_sources_page_is_in_the_booklets_language(
    content, tmp_path, language, shown, not_shown
):
    path = tmp_path / "booklet.pdf"
    path.write_bytes(booklet_pdf(content.booklet, language=language))
    back = pdf_text(path).split("\f")[-2]  # the last page (pdftotext ends each with a form feed)
    assert shown in back
    assert not_shown not in back
    assert pdf_pages_and_size(path)[0] % 4 == 0


def test_the_booklet_on_a_phone_names_its_sources_in_indonesian(client, content, cadre_user):
    client.force_login(cadre_user)
    with translation.override("id"):
        url = reverse("training:booklet", args=[content.booklet.code, content.booklet.version])
    page = client.get(url).content.decode()
    assert content.booklet.source_id.startswith("Ditulis untuk kaderasi")
    assert "Ditulis untuk kaderasi" in page
    assert "Written for kaderasi" not in page


def test_a_questionnaire_copied_as_a_new_version_has_the_same_items(content):
    copy = services.content_copy_as_new_version(content=content.questionnaire)
    assert (copy.code, copy.version) == (
        content.questionnaire.code,
        content.questionnaire.version + 1,
    )
    assert copy.questions.count() == 20
    assert Option.objects.filter(question__questionnaire=copy).count() == 60
    assert content.questionnaire.questions.count() == 20


def test_the_admin_refuses_to_edit_a_questionnaire_cadres_have_answered(
    client, admin_user, training, wati, now
):
    services.answer_sheets_record(
        training=training,
        phase=TestPhase.PRE,
        sheets={wati: marks(training.questionnaire)},
        by=None,
        now=now,
    )
    questionnaire = training.questionnaire
    client.force_login(admin_user)
    url = english_url("admin:training_questionnaire_change", questionnaire.pk)
    response = client.post(
        url,
        {
            "code": questionnaire.code,
            "version": questionnaire.version,
            "title_id": "Judul baru",
            "title_en": questionnaire.title_en,
            "source_id": questionnaire.source_id,
            "source_en": questionnaire.source_en,
            "questions-TOTAL_FORMS": "0",
            "questions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Copy as a new version" in response.content.decode()
    questionnaire.refresh_from_db()
    assert questionnaire.title_id != "Judul baru"


def test_a_question_needs_exactly_one_correct_option_in_the_admin(client, admin_user, content):
    question = content.questionnaire.questions.get(number=1)
    options = list(question.options.all())
    data = {
        "questionnaire": question.questionnaire_id,
        "number": 1,
        "kind": question.kind,
        "text_id": question.text_id,
        "text_en": question.text_en,
        "explanation_id": "",
        "explanation_en": "",
        "source": "",
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": str(len(options)),
    }
    for index, option in enumerate(options):
        data |= {
            f"options-{index}-id": option.pk,
            f"options-{index}-question": question.pk,
            f"options-{index}-position": option.position,
            f"options-{index}-text_id": option.text_id,
            f"options-{index}-text_en": option.text_en,
            f"options-{index}-is_correct": "on",  # every option marked right
        }
    client.force_login(admin_user)
    response = client.post(english_url("admin:training_question_change", question.pk), data)
    assert response.status_code == 200
    assert "Mark exactly one option as correct." in response.content.decode()
    assert question.options.filter(is_correct=True).count() == 1


def test_the_print_version_gives_weasyprint_a_break_before_bold_words():
    from kaderasi.training.documents import _printable

    html = render_markdown("Pijat oksitosin **membantu**, lihat [WHO](https://who.int).")
    assert str(_printable(html)) == (
        '<p>Pijat oksitosin<strong> membantu</strong>, lihat<a href="https://who.int"> WHO</a>.</p>'
    )
