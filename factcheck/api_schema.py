"""The OpenAPI schema generator: drf-spectacular's, documenting our one error format on
every operation for the statuses it can return."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema

from factcheck.api import ERROR_DESCRIPTIONS, ErrorSerializer
from factcheck.api_input import StrictInput


class SchemaWithErrors(AutoSchema):
    """Documents our error format on every operation, for the statuses it can return, and
    that a strict input takes no other properties than those it lists."""

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictInput):
            schema["additionalProperties"] = False
        return schema

    def _error_codes(self) -> list[str]:
        codes = ["400", "401", "403", "404", "406", "429"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes += ["409", "415"]
        if getattr(self.view, "conditional_methods", ()) and (
            self.method in self.view.conditional_methods
        ):
            codes.append("412")
        return codes

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code in responses:
                continue
            # Errors come in whatever format was negotiated (JSON, or JSON-LD where the
            # view offers it): the same bytes either way.
            body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
            body["description"] = ERROR_DESCRIPTIONS[code]
            if code == "429":
                body["headers"] = {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds until the next request is allowed",
                    }
                }
            responses[code] = body
        return responses
