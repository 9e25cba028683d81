"""The error a call raises for any answer that is not a success of the documented shape."""

from __future__ import annotations

from typing import Any, Literal

# The handler's codes (packages/shared/openapi.json, ErrorCode), and the client's own for answers that are not
# the handler's: API Gateway's {"message": ...} (403, 429), a proxy's HTML page, a body of the wrong shape.
ErrorCode = Literal[
    "malformed_json",
    "invalid_body",
    "missing_text",
    "ambiguous_input",
    "invalid_text",
    "invalid_texts",
    "empty_batch",
    "invalid_include",
    "unsupported_field",
    "text_too_large",
    "too_many_texts",
    "request_too_large",
    "response_too_large",
    "not_found",
    "model_not_found",
    "method_not_allowed",
    "model_not_configured",
    "model_not_synced",
    "model_load_failed",
    "not_enough_time",
    "invalid_configuration",
    "internal_error",
]
UNEXPECTED_RESPONSE = "unexpected_response"


class SpacyApiError(Exception):
    """A non-2xx answer (`code` is the handler's error code) or an answer of the wrong shape
    (`code` is "unexpected_response")."""

    def __init__(self, status: int, code: str, message: str, body: Any = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.body = body
