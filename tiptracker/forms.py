"""What every app's forms share: the GOV.UK date input, a service's refusal shown on the
form, the data of a POST, and the page with one form that calls one service.

The rules about the data itself live in each app's services; these only carry what a person
typed to them and their answers back to the right field.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from tiptracker.lib.dates import entered_date_problem
from tiptracker.lib.tabular import control_character


def posted(request: HttpRequest) -> QueryDict | None:
    """The form data of a POST, even an empty one, so that its errors can be shown."""
    return request.POST if request.method == "POST" else None


def add_service_error(
    form: forms.Form, error: ValidationError, *, fields: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: on the field it names (through
    `fields` where the form calls it something else), otherwise at the top."""
    fields = fields or {}
    if hasattr(error, "error_dict"):
        for key, errors in error.error_dict.items():
            name = fields.get(key, key)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


Saved = TypeVar("Saved")


def form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Saved],
    saved_message: Callable[[Saved], str],
    done: HttpResponse | Callable[[Saved], HttpResponse],
    template: str,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
    saved_warnings: Callable[[Saved], Iterable[str]] | None = None,
    service_fields: dict[str, str] | None = None,
) -> HttpResponse:
    """A page with one form that calls one service: the shape of every add, edit and delete.

    On a valid POST, `save(cleaned_data)` calls the service. If it refuses (ValidationError)
    the refusal is shown on the form, on the field it names (through `service_fields` where
    the form calls it something else). Otherwise the person is told `saved_message(record)`,
    then each of `saved_warnings(record)`, and gets `done`: a response, or a callable given
    the record (for a redirect to a record only just made).

    Anything else renders `template` with `form` and `context`. A callable `context` is
    called only then, after the service has answered, so that what it shows is current and
    a successful POST spends no queries on a page it does not draw.
    """
    if request.method == "POST" and form.is_valid():
        try:
            record = save(form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error, fields=service_fields)
        else:
            messages.success(request, saved_message(record))
            for warning in saved_warnings(record) if saved_warnings else ():
                messages.warning(request, warning)
            return done(record) if callable(done) else done
    shown = context() if callable(context) else context
    return render(request, template, {"form": form, **shown})


class DatePartsWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (rendered by training/_date_input.html)."""

    def __init__(self) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()])

    def decompress(self, value: dt.date | None) -> list:
        return [value.day, value.month, value.year] if value else [None, None, None]


class DatePartsBoundField(forms.BoundField):
    @property
    def parts(self) -> list[dict]:
        """Day, month and year as the template draws them: label, id, name and value."""
        value = self.value()
        if not isinstance(value, list | tuple):
            value = self.field.widget.decompress(value)
        return [
            {
                "label": label,
                "id": f"{self.auto_id}_{index}",
                "name": f"{self.html_name}_{index}",
                "value": "" if value[index] is None else value[index],
                "width": 4 if label == "Year" else 2,
            }
            for index, label in enumerate(("Day", "Month", "Year"))
        ]


class DatePartsField(forms.MultiValueField):
    widget = DatePartsWidget
    bound_field_class = DatePartsBoundField

    def __init__(self, *, what: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.what = what
        parts = [
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        ]
        super().__init__(fields=parts, require_all_fields=False, **kwargs)
        self.error_messages["required"] = f"Enter the {what}"

    def compress(self, data_list: list) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise ValidationError(f"The {self.what} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"Enter the {self.what} as numbers, for example 27 3 2026")
        if len(year) != 4:
            raise ValidationError(f"The year of the {self.what} must have 4 numbers, like 2026")
        try:
            entered = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"The {self.what} must be a real date") from None
        problem = entered_date_problem(entered)  # every date box on every page
        if problem:
            raise ValidationError(f"The {self.what} {problem}")
        return entered


def no_control_characters(label: str, *, multiline: bool = False) -> Callable[[str], None]:
    """A text field's validator refusing what an import refuses in a cell (lib/tabular.py
    control_character): invisible control characters, and in a one-line field a tab or a
    line break too (a box of several lines keeps them). They break exports (a Word or XLSX
    file cannot hold them) and are never meant. NUL is left to Django's own validator, which
    every CharField has, so that it is not refused twice."""

    def check(value: str) -> None:
        if not isinstance(value, str) or "\x00" in value:
            return
        problem = control_character(value, multiline=multiline)
        if problem is not None:
            problem = problem.replace("this column takes", "it takes")
            raise ValidationError(f"{label} {problem}", code="control_character")

    return check


class ConfirmForm(forms.Form):
    """A confirmation page's form: its button sends confirm=yes, so a POST without it (a
    stray request) changes nothing. It also carries a service's refusal to the page."""

    confirm = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("confirm") != "yes":
            raise ValidationError("Press the button to confirm")
        return cleaned
