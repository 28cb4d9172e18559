"""What the OpenAPI schema says beyond what drf-spectacular finds by itself: the bearer
token scheme, and the error answers every operation can give."""

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_bearer_security_scheme_object

ERROR = {
    "type": "object",
    "description": "What went wrong, in a sentence.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "For each field or parameter that was wrong, what was wrong with it "
    "(`detail` for a problem with the request as a whole).",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
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


class ApiSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):  # type: ignore[no-untyped-def]
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        error = self._component("Error", ERROR)
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "id" and parameter["in"] == "path":
                parameter.setdefault("description", "The object's id, as its list gives it.")
        parameters = {p["name"] for p in operation.get("parameters", [])}
        if "requestBody" in operation or parameters - {"slug", "id", "pk", "page"}:
            responses.setdefault(
                "400",
                self._answer(
                    "A value was not valid.", self._component("FieldErrors", FIELD_ERRORS)
                ),
            )
        responses.setdefault("401", self._answer("No valid token or session.", error))
        if "slug" in parameters:
            responses.setdefault(
                "403", self._answer("Your role in this partnership does not allow this.", error)
            )
        responses.setdefault(
            "404",
            self._answer(
                "No such partnership or object that you can see (or no such page).", error
            ),
        )
        return operation

    def _component(self, name: str, schema: dict) -> dict:
        return _register(self.registry, name, schema)

    @staticmethod
    def _answer(description: str, schema: dict) -> dict:
        return {"description": description, "content": {"application/json": {"schema": schema}}}
