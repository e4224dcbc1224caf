from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaderasi.core.errors import DomainError
from kaderasi.interop.services import importable_areas
from kaderasi.interop.workbook import uploads_check
from kaderasi.programmes.selectors import programmes_visible_to
from kaderasi.regions.models import AreaLevel


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".xlsx,.csv"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        parent = f" — {obj.parent.name}" if obj.parent_id else ""
        return f"{obj.get_level_display()}: {obj.name}{parent}"


class ImportForm(forms.Form):
    files = MultipleFileField(
        label=_("Workbook"),
        help_text=_("One Excel workbook (.xlsx), or the CSV files of its sheets."),
    )
    programme = forms.ModelChoiceField(
        label=_("Import into"),
        queryset=None,
        required=False,
        empty_label=_("A new programme"),
        to_field_name="slug",
    )
    slug = forms.SlugField(
        label=_("Code of the new programme"),
        max_length=60,
        required=False,
        help_text=_("Letters, digits and hyphens, e.g. pandes-2018."),
    )
    name = forms.CharField(label=_("Name of the new programme"), max_length=200, required=False)
    area = AreaChoiceField(
        label=_("Area of the new programme"),
        queryset=None,
        required=False,
        help_text=_("Or fill in the area field of the workbook's programme sheet."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes_visible_to(user).order_by("name")
        self.fields["area"].queryset = (
            importable_areas(user)
            .exclude(level=AreaLevel.PROVINCE)
            .select_related("parent")
            .order_by("path")
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("programme") and not cleaned.get("slug") and "slug" not in self.errors:
            self.add_error(
                "slug", _("Choose a programme to import into, or give the code of a new one.")
            )
        files = cleaned.get("files")
        if files:
            # Sizes and kinds only: the rows are read by the worker (decision 0160).
            try:
                uploads_check(files)
            except DomainError as error:
                self.add_error("files", ValidationError(str(error.message), code=error.code))
        return cleaned

    @property
    def target_slug(self) -> str:
        programme = self.cleaned_data.get("programme")
        return programme.slug if programme else self.cleaned_data["slug"]
