"""Input of the training pages: every form names the field and the rule when input is wrong."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from kaderasi.cadres.models import Cadre
from kaderasi.core.number_fields import TypedNumberField
from kaderasi.training.models import (
    Attendance,
    Booklet,
    Option,
    PracticePartner,
    Question,
    QuestionKind,
    Questionnaire,
    SkillChecklist,
    SkillStep,
)

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME_WIDGET)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    trainers = forms.ModelMultipleChoiceField(
        label=_("Trainers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    guest_trainers = forms.CharField(
        label=_("Other trainers"),
        max_length=300,
        required=False,
        help_text=_("Trainers without a kaderasi login, e.g. a certified massage therapist."),
    )
    questionnaire = forms.ModelChoiceField(
        label=_("Knowledge test (pre and post)"), queryset=Questionnaire.objects.all()
    )
    skill_checklist = forms.ModelChoiceField(
        label=_("Skill checklist"), queryset=SkillChecklist.objects.all()
    )
    booklet = forms.ModelChoiceField(
        label=_("Booklet"), queryset=Booklet.objects.all(), required=False
    )
    video_url = forms.URLField(
        label=_("Video link"),
        required=False,
        assume_scheme="https",
        help_text=_("A link to the training video, if it is not uploaded here."),
    )
    notes = forms.CharField(
        label=_("Notes and other materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, trainer_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = trainer_choices

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at <= starts_at:
            self.add_error("ends_at", _("The training must end after it starts."))
        return cleaned


class VideoUploadForm(forms.Form):
    video_file = forms.FileField(
        label=_("Video file"),
        help_text=_("MP4 or WebM. Short and compressed videos play best on village data plans."),
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/webm"}),
    )


ATTENDANCE_CHOICES = [("", _("Not invited")), *Attendance.choices]


def cadre_field_name(prefix: str, cadre: Cadre) -> str:
    return f"{prefix}_{cadre.public_id.hex}"


class AttendanceForm(forms.Form):
    """One choice per cadre of the programme: not invited, invited, present or absent."""

    def __init__(self, *args, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.cadres = list(cadres)
        for cadre in self.cadres:
            self.fields[cadre_field_name("c", cadre)] = forms.ChoiceField(
                label=f"{cadre.code} {cadre.name}", choices=ATTENDANCE_CHOICES, required=False
            )

    def rows(self):
        return [(cadre, self[cadre_field_name("c", cadre)]) for cadre in self.cadres]

    def attendance(self) -> dict[Cadre, Attendance | None]:
        return {
            cadre: Attendance(value)
            if (value := self.cleaned_data[cadre_field_name("c", cadre)])
            else None
            for cadre in self.cadres
        }


class TestControlForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("open_pre", "open_pre"), ("open_post", "open_post"), ("close", "close")]
    )


class AnswerForm(forms.Form):
    option = forms.UUIDField(error_messages={"required": _("Choose one answer.")})


# What a trainer types for a paper mark: the printed letter, or its number on a numeric keypad;
# a dash (or 0) for an answer left blank.
BLANK_MARKS = {"-", "0"}
TRUE_MARKS = {"b", "t", "1"}  # Benar / True
FALSE_MARKS = {"s", "f", "2"}  # Salah / False


def option_for_mark(mark: str, question: Question, options: list[Option]) -> Option | None:
    """The option a typed paper mark stands for, None for a blank; ValueError for a mark that
    names no option of the question."""
    mark = mark.strip().lower()
    if mark in BLANK_MARKS:
        return None
    by_position = {option.position: option for option in options}
    if question.kind == QuestionKind.TRUE_FALSE:
        position = 1 if mark in TRUE_MARKS else 2 if mark in FALSE_MARKS else None
    elif len(mark) == 1 and mark.isalpha():
        position = ord(mark) - ord("a") + 1
    elif mark.isdigit():
        position = int(mark)
    else:
        position = None
    if position not in by_position:
        raise ValueError(mark)
    return by_position[position]


def mark_for_option(option: Option | None, question: Question) -> str:
    if option is None:
        return "-"
    if question.kind == QuestionKind.TRUE_FALSE:
        return "B" if option.position == 1 else "S"
    return option.letter


class AnswerSheetGridForm(forms.Form):
    """A room's paper answer sheets: one row per cadre, one cell per question. A row is either
    left empty (not entered) or complete, with '-' for a question the cadre left blank."""

    def __init__(self, *args, cadres, questions, locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cadres = list(cadres)
        self.questions = list(questions)
        self.locked = set(locked)
        self.options = {q.pk: list(q.options.all()) for q in self.questions}
        for cadre in self.cadres:
            if cadre.pk in self.locked:
                continue
            for question in self.questions:
                self.fields[self.cell(cadre, question)] = forms.CharField(
                    label=_("%(code)s, question %(number)s")
                    % {"code": cadre.code, "number": question.number},
                    max_length=1,
                    required=False,
                )

    @staticmethod
    def cell(cadre: Cadre, question: Question) -> str:
        return f"a_{cadre.public_id.hex}_{question.number}"

    def allowed_marks(self, question: Question) -> str:
        """Every character a trainer may type in this question's column."""
        if question.kind == QuestionKind.TRUE_FALSE:
            return "".join(sorted(TRUE_MARKS | FALSE_MARKS | BLANK_MARKS))
        count = len(self.options[question.pk])
        return "abcdef"[:count] + "123456"[:count] + "".join(sorted(BLANK_MARKS))

    def columns(self) -> list[tuple[Question, str]]:
        """Each question with the marks printed in its header (a–d, or B/S)."""
        return [
            (
                question,
                "B/S"
                if question.kind == QuestionKind.TRUE_FALSE
                else f"a–{'abcdef'[len(self.options[question.pk]) - 1]}",
            )
            for question in self.questions
        ]

    def grid_rows(self):
        rows = []
        for cadre in self.cadres:
            if cadre.pk in self.locked:
                rows.append((cadre, True, []))
                continue
            cells = [
                (self[self.cell(cadre, question)], self.allowed_marks(question))
                for question in self.questions
            ]
            rows.append((cadre, False, cells))
        return rows

    def clean(self):
        cleaned = super().clean()
        self.sheets: dict[Cadre, dict[Question, Option | None]] = {}
        for cadre in self.cadres:
            if cadre.pk in self.locked:
                continue
            names = [self.cell(cadre, q) for q in self.questions]
            marks = [(cleaned.get(name) or "").strip() for name in names]
            if not any(marks):
                continue
            sheet = {}
            for question, name, mark in zip(self.questions, names, marks, strict=True):
                if not mark:
                    self.add_error(
                        name,
                        _("%(code)s: question %(number)s is empty; type '-' if she left it blank.")
                        % {"code": cadre.code, "number": question.number},
                    )
                    continue
                try:
                    sheet[question] = option_for_mark(mark, question, self.options[question.pk])
                except ValueError:
                    self.add_error(name, self._mark_error(cadre, question))
            if len(sheet) == len(self.questions):
                self.sheets[cadre] = sheet
        return cleaned

    def _mark_error(self, cadre: Cadre, question: Question) -> str:
        if question.kind == QuestionKind.TRUE_FALSE:
            allowed = _("B (true) or S (false)")
        else:
            letters = "abcdef"[: len(self.options[question.pk])]
            allowed = _("a letter from %(first)s to %(last)s") % {
                "first": letters[0],
                "last": letters[-1],
            }
        return _("%(code)s: question %(number)s takes %(allowed)s, or '-' for blank.") % {
            "code": cadre.code,
            "number": question.number,
            "allowed": allowed,
        }


class TotalScoresForm(forms.Form):
    """A total score (0–100) per cadre; a blank leaves her score as it is."""

    def __init__(self, *args, cadres, locked=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.cadres = list(cadres)
        self.locked = set(locked)
        for cadre in self.cadres:
            if cadre.pk in self.locked:
                continue
            # Typed the Indonesian way (62,5); the page puts the cadre before each error.
            self.fields[cadre_field_name("s", cadre)] = TypedNumberField(
                label=f"{cadre.code} {cadre.name}",
                places=2,
                min_value=Decimal(0),
                max_value=Decimal(100),
                required=False,
                label_in_message=False,
                error_messages={"out_of_range": _("A score is between 0 and 100.")},
            )

    def score_rows(self):
        return [
            (cadre, None if cadre.pk in self.locked else self[cadre_field_name("s", cadre)])
            for cadre in self.cadres
        ]

    def scores(self) -> dict[Cadre, Decimal]:
        return {
            cadre: value
            for cadre in self.cadres
            if cadre.pk not in self.locked
            and (value := self.cleaned_data.get(cadre_field_name("s", cadre))) is not None
        }


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class SkillAssessmentForm(forms.Form):
    partner = forms.ChoiceField(
        label=_("Practised on"), choices=PracticePartner.choices, initial=PracticePartner.PEER
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps: list[SkillStep] = list(steps)
        for step in self.steps:
            self.fields[f"step_{step.number}"] = forms.ChoiceField(
                label=step.localized("text"),
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Mark step %(number)s yes or no.") % {"number": step.number}
                },
            )
            self.fields[f"comment_{step.number}"] = forms.CharField(
                label=_("Comment on step %(number)s") % {"number": step.number},
                max_length=300,
                required=False,
            )

    def step_rows(self):
        sections: list[tuple[str, list]] = []
        for step in self.steps:
            section = step.localized("section")
            if not sections or sections[-1][0] != section:
                sections.append((section, []))
            sections[-1][1].append(
                (step, self[f"step_{step.number}"], self[f"comment_{step.number}"])
            )
        return sections

    def results(self) -> dict[SkillStep, tuple[bool, str]]:
        return {
            step: (
                self.cleaned_data[f"step_{step.number}"] == "yes",
                self.cleaned_data[f"comment_{step.number}"],
            )
            for step in self.steps
        }


class CertificateRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=200)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=32)
