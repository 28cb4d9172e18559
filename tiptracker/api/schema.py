"""What the OpenAPI schema says beyond what drf-spectacular finds by itself: the bearer
token scheme, and the error answers every operation can give (one shape: errors.py)."""

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_bearer_security_scheme_object

from tiptracker.lib.dates import validate_entered_date

# Every 4xx answer has this shape (tiptracker/api/errors.py makes it).
ERROR = {
    "type": "object",
    "description": "What went wrong. `detail` is always there; `errors` comes with 400 and "
    "409 answers.",
    "properties": {
        "detail": {
            "type": "string",
            "description": "What went wrong, in a sentence naming the fields that were wrong.",
        },
        "errors": {
            "type": "object",
            "description": "For each field or query parameter that was wrong, what was wrong "
            "with it (a nested field by its path, e.g. `questions.0.text`; `detail` for the "
            "request as a whole).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tiptracker.accounts.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        scheme = build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Bearer",  # noqa: S106 - the scheme's name, not a secret
        )
        scheme["description"] = (
            "A token made on the 'Your account' page: `Authorization: Bearer <token>`."
        )
        return scheme


class EnumFieldSchema(OpenApiSerializerFieldExtension):
    """Each EnumField as a reference to its own named component (`Level`, `BookingStatus`),
    so that fields sharing a name but not their states are documented apart."""

    target_class = "tiptracker.api.serializers.EnumField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):  # type: ignore[no-untyped-def]
        field = self.target
        schema = {"type": "string", "enum": list(field.enum_values)}
        if field.enum_description:
            schema["description"] = field.enum_description
        ref = _register(auto_schema.registry, field.enum_name, schema)
        if field.nullable:
            mapped = {"oneOf": [ref, _register(auto_schema.registry, "Null", {"enum": [None]})]}
        elif field.help_text:
            mapped = {"allOf": [ref]}  # a bare $ref cannot carry a description
        else:
            return ref
        if field.help_text:
            mapped["description"] = str(field.help_text)
        return mapped


def _register(registry, name: str, schema: dict) -> dict:  # type: ignore[no-untyped-def]
    component = ResolvedComponent(
        name=name, type=ResolvedComponent.SCHEMA, schema=schema, object=name
    )
    registry.register_on_missing(component)
    return component.ref


# A date's `format` cannot carry a minimum: this pattern says "in 1900 or later".
ISO_DATE_FROM_1900 = r"^(19|[2-9][0-9])[0-9]{2}-[0-9]{2}-[0-9]{2}$"


class EnteredDateSchema(OpenApiSerializerFieldExtension):
    """A date field with the rule for entered dates (lib.dates.validate_entered_date: none
    before 1900) says so in the requests' schema."""

    target_class = "rest_framework.fields.DateField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):  # type: ignore[no-untyped-def]
        schema = {"type": "string", "format": "date"}
        if direction == "request" and validate_entered_date in self.target.validators:
            schema["pattern"] = ISO_DATE_FROM_1900
        return schema


class ApiSchema(AutoSchema):
    """Every operation documents every error status it can answer, all in the one shape."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):  # type: ignore[no-untyped-def]
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "id" and parameter["in"] == "path":
                parameter.setdefault("description", "The object's id, as its list gives it.")
        parameters = {p["name"] for p in operation.get("parameters", [])}
        sends = "requestBody" in operation or bool(parameters - {"slug", "id", "pk", "page"})
        answers = {
            "400": sends and "A value breaks the schema (`errors` names each field).",
            "401": "No valid token or session.",
            "403": "slug" in parameters and "Your role in this partnership does not allow this.",
            "404": "No such partnership or object that you can see (or no such page).",
            "409": (sends or method != "GET")
            and "Well formed, but refused by a rule given the data as it stands: already "
            "done, no such person or course here, a date after today, an end before its "
            "start (`errors` names each field).",
            "415": "requestBody" in operation and "The body is not JSON.",
        }
        error = self._component("Error", ERROR)
        responses = operation["responses"]
        # An operation's own 409 (an edit from a stale version) says what else it sends
        # (the saved version): the same shape with more in it.
        if "409" in responses:
            content = responses["409"].setdefault("content", {}).setdefault("application/json", {})
            content["schema"] = (
                {"allOf": [error, content["schema"]]} if "schema" in content else error
            )
        for code, description in answers.items():
            if description:
                responses.setdefault(code, self._answer(description, error))
        return operation

    def _get_request_for_media_type(self, serializer, direction="request"):  # type: ignore[no-untyped-def]
        # drf-spectacular makes every PATCH body partial (no field required). Ours say which
        # they are: `Input(partial=True)` where only the fields sent change, and a serializer
        # of its own where some field is always needed (the `version` an edit starts from).
        if self.method != "PATCH" or getattr(serializer, "partial", False):
            return super()._get_request_for_media_type(serializer, direction)
        self.method = "PATCH (as declared)"
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = "PATCH"

    def _component(self, name: str, schema: dict) -> dict:
        return _register(self.registry, name, schema)

    @staticmethod
    def _answer(description: str, schema: dict) -> dict:
        return {"description": description, "content": {"application/json": {"schema": schema}}}


# DRF refuses a NUL character in any text field; the schema says so, so that a client (and
# schemathesis) knows such a value is not valid.
NO_NUL = "^[^\\x00]*$"
# And, where a text may not be blank, not only spaces either (DRF trims them first).
NOT_BLANK = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"


# An empty query parameter (`?team=`, as a form sends it) is read as if it were left out.
EMPTY = {"type": "string", "maxLength": 0}


def what_requests_may_hold(result, generator, request, public):  # type: ignore[no-untyped-def]
    """Postprocessing hook: every free text in a request body or query says it has no NUL
    (nor only spaces, where it may not be blank); every optional query parameter may be
    empty."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _no_nul(component)
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                schema = parameter.get("schema", {})
                _no_nul(schema)
                if not parameter.get("required") and parameter["name"] != "page":
                    parameter["schema"] = {"anyOf": [schema, EMPTY]}
    return result


def _no_nul(schema: dict) -> None:
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) >= 1 else NO_NUL
    for child in schema.get("properties", {}).values():
        _no_nul(child)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            _no_nul(schema[key])
