"""The OpenAPI document: security schemes, problem+json error responses and raw request bodies."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from api.problems import PROBLEM_JSON
from api.schemas.events import EventBatch, EventIn
from api.schemas.problems import Problem

REF = "#/components/schemas/{model}"
KEYLESS = frozenset({"/v1/health", "/v1/ready", "/v1/public/tracking/{token}"})
SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key (`logistics keys create --role ROLE`)",
    },
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}
REASONS = {
    "401": "No valid API key",
    "403": "The key's role may not do this",
    "404": "No such record, or not one the key may see",
    "409": "Conflicts with what is stored (or an Idempotency-Key used for another request)",
    "413": "The request body (or the batch) is over its limit",
    "422": "Invalid input; `errors` names each field and says why",
    "503": "The database is busy (a lock or statement timeout); retry after `Retry-After` seconds",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying",
        "schema": {"type": "integer", "minimum": 0},
    }
}
EXTRA_MODELS: tuple[type[BaseModel], ...] = (Problem, EventIn, EventBatch)


def _problem(code: str) -> dict[str, Any]:
    schema = {"$ref": REF.format(model="Problem")}
    response: dict[str, Any] = {
        "description": REASONS[code],
        "content": {PROBLEM_JSON: {"schema": schema}},
    }
    if code == "503":
        response["headers"] = RETRY_AFTER
    return response


def _codes(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    codes = ["422"]
    if path not in KEYLESS:
        codes += ["401", "403"]
    if "{" in path:
        codes.append("404")
    if method in ("post", "put", "patch", "delete"):
        codes.append("409")
    if "requestBody" in operation:
        codes.append("413")
    if path.startswith("/v1/"):
        codes.append("503")
    return sorted(codes)


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, completed: security, problem responses and the extra body schemas."""
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    for model in EXTRA_MODELS:
        found = model.model_json_schema(ref_template=REF, mode="validation")
        schemas.update(found.pop("$defs", {}))
        schemas[model.__name__] = found
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    components["securitySchemes"] = SECURITY_SCHEMES
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if path not in KEYLESS and path.startswith("/v1/"):
                operation["security"] = [{"bearer": []}, {"apiKey": []}]
            responses = operation.setdefault("responses", {})
            for code in _codes(path, method, operation):
                if code in responses and code != "422":  # (FastAPI's own 422 is replaced)
                    continue  # the route declares this answer itself (/v1/ready's 503: ReadyOut)
                responses[code] = _problem(code)
    return schema


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json (built once, on first request)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
