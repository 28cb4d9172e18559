"""Forms for the resource library: what a person typed, turned into the values the services
take. The rules (a web link, a known kind) live in the services."""

from django import forms
from django.conf import settings

from tiptracker.lib.fields import max_length_of
from tiptracker.lib.levels import Level
from tiptracker.resources.files import ACCEPT, FileRefused, check_name_and_size, human_size
from tiptracker.resources.models import Resource
from tiptracker.resources.selectors import NO_LEVEL
from tiptracker.resources.services import Upload

LEVEL_CHOICES = [(str(level.value), level.label) for level in Level]
TITLE_MAX = max_length_of(Resource, "title")
URL_MAX = max_length_of(Resource, "url")


class ResourceForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        error_messages={
            "required": "Enter the title of the resource",
            "max_length": f"The title must be {TITLE_MAX} characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of resource",
        choices=[("", "Choose a kind")] + list(Resource.Kind.choices),
        error_messages={
            "required": "Choose what kind of resource this is",
            "invalid_choice": "Choose one of the kinds in the list",
        },
    )
    audience = forms.ChoiceField(
        label="Audience",
        choices=[("", "Choose who it is for")] + list(Resource.Audience.choices),
        error_messages={
            "required": "Choose who the resource is for",
            "invalid_choice": "Choose all staff, managers or leaders",
        },
    )
    level = forms.TypedChoiceField(
        label="Level",
        help_text="The framework level the resource supports, if it is tied to one.",
        choices=[("", "Not tied to a level")] + LEVEL_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose one of the four levels, or none"},
    )
    url = forms.URLField(
        label="Link",
        max_length=URL_MAX,
        required=False,
        assume_scheme="https",
        help_text="Where to find it online, if it is there: the recording or the national resource, starting https://",
        error_messages={
            "invalid": "Enter the link as a full web address, like https://example.org/toolkit",
            "max_length": f"The link must be {URL_MAX} characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text="What it is and how to use it.",
        error_messages={"max_length": "The description must be 5,000 characters or fewer"},
    )
    file = forms.FileField(
        label="File",
        required=False,
        error_messages={
            "empty": "The chosen file is empty",
            "invalid": "The file could not be read: choose it again",
            "missing": "The file could not be read: choose it again",
        },
    )
    remove_file = forms.BooleanField(label="Remove the current file", required=False)

    accept = ACCEPT  # the file input's accept attribute

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Read here, not at import time, so a changed setting (or a test's) applies.
        self.fields["file"].help_text = (
            "A PDF, Word document (.docx), PowerPoint presentation (.pptx), Excel spreadsheet "
            f"(.xlsx), or a text or CSV file, smaller than {human_size(settings.RESOURCE_MAX_BYTES)}."
        )

    def clean_file(self) -> Upload | None:
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        # Name and size first, so a file far too large is never read into memory.
        try:
            check_name_and_size(upload.name, upload.size)
        except FileRefused as refused:
            raise forms.ValidationError(str(refused)) from None
        return Upload(name=upload.name, data=upload.read())

    @staticmethod
    def initial_for(resource: Resource) -> dict:
        return {
            "title": resource.title,
            "kind": resource.kind,
            "audience": resource.audience,
            "level": "" if resource.level is None else str(resource.level),
            "url": resource.url,
            "description": resource.description,
        }


class LibraryFilterForm(forms.Form):
    """The library's filters, read from the query string: a bad value is shown, not ignored."""

    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "All kinds")] + list(Resource.Kind.choices),
        error_messages={"invalid_choice": "Choose one of the kinds in the list"},
    )
    audience = forms.ChoiceField(
        label="Audience",
        required=False,
        choices=[("", "Everyone")] + list(Resource.Audience.choices),
        error_messages={"invalid_choice": "Choose one of the audiences in the list"},
    )
    level = forms.ChoiceField(
        label="Level",
        required=False,
        choices=[("", "Any level")] + LEVEL_CHOICES + [(NO_LEVEL, "Not tied to a level")],
        error_messages={"invalid_choice": "Choose one of the levels in the list"},
    )

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return dict(self.cleaned_data)
