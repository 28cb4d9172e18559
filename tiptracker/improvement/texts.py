"""The improvement programme's words carry no invisible control characters, and a one-line
field no line break or tab either: the rule an import applies to a cell
(lib.tabular.control_character), checked in the services so that the pages, the import and
the API refuse the same (a control character breaks the Word and XLSX documents the words go
into, and is never meant)."""

from collections.abc import Collection, Mapping

from django.core.exceptions import ValidationError

from tiptracker.lib.tabular import control_character


def refuse_control_characters(
    values: Mapping[str, object], *, multiline: Collection[str] = ()
) -> None:
    """Raise a ValidationError naming each text field of `values` that holds one; those named
    in `multiline` may hold line breaks and tabs."""
    errors = {}
    for name, value in values.items():
        if not isinstance(value, str):
            continue
        problem = control_character(value, multiline=name in multiline)
        if problem is not None:
            errors[name] = "The text " + problem.replace("this column takes", "it takes")
    if errors:
        raise ValidationError(errors)
