"""API errors in one shape, whatever went wrong:

    {"detail": "A sentence saying what went wrong.", "errors": {"field": ["message", ...]}}

`detail` is always there, a plain sentence naming the fields that were wrong. `errors` comes
with 400 and 409 answers: for each field (or query parameter) that was wrong, what was wrong
with it; `detail` in it stands for the request as a whole. A nested field is named by its path
(`questions.0.text`).

The status says whose move it is:
- 400: the request breaks the schema (a wrong type, a missing field, a bad format): fix the
  request, the schema says how.
- 409 (`Refused`): the request is well formed but the rules refuse it, given the data as it
  stands (already booked, no such person here, a date after today, an end before its start).
  Every refusal by a service (a Django ValidationError) is one.
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

WHOLE = "detail"


class Refused(exceptions.APIException):
    """Well formed, but refused by a rule: a 409 with the fields the rule is about."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request was refused."
    default_code = "refused"

    def __init__(self, errors: Any) -> None:
        # The same normalising as a ValidationError's: a message, a list, or field -> messages.
        super().__init__(exceptions.ValidationError(errors).detail)


def refused(error: DjangoValidationError, names: dict[str, str] | None = None) -> Refused:
    """A service's refusal as a 409, its fields named as the API names them (`names`)."""
    if not hasattr(error, "error_dict"):
        return Refused({WHOLE: error.messages})
    names = names or {}
    return Refused(
        {names.get(field, field): messages for field, messages in error.message_dict.items()}
    )


def exception_handler(exc, context):  # type: ignore[no-untyped-def]
    if isinstance(exc, DjangoValidationError):
        exc = refused(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError | Refused):
        response.data = error_body(exc.detail)
    elif not isinstance(response.data, dict) or not isinstance(response.data.get(WHOLE), str):
        response.data = {WHOLE: " ".join(_messages(response.data))}
    return response


def error_body(detail: Any) -> dict:
    """The shape above from a ValidationError's detail (a list, or field -> messages)."""
    errors: dict[str, list[str]] = {}
    _flatten(detail, "", errors)
    whole = errors.get(WHOLE, []) + errors.pop("non_field_errors", [])
    if whole:
        errors[WHOLE] = whole
    sentences = [
        *whole,
        *(f"{field}: {' '.join(errors[field])}" for field in errors if field != WHOLE),
    ]
    return {WHOLE: " ".join(sentences) or "A value was not valid.", "errors": errors}


def _flatten(detail: Any, path: str, into: dict[str, list[str]]) -> None:
    if isinstance(detail, dict):
        for key, value in detail.items():
            _flatten(value, f"{path}.{key}" if path else str(key), into)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for n, item in enumerate(detail):
            _flatten(item, f"{path}.{n}" if path else str(n), into)
    else:
        into.setdefault(path or WHOLE, []).extend(_messages(detail))


def _messages(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for item in detail for m in _messages(item)]
    return [str(detail)]
