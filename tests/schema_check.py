"""Checks an API response against the OpenAPI schema the app publishes at /api/schema/."""
import functools
import json

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_schema_validator import OAS30Validator


@functools.cache
def published_schema():
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


def assert_matches_schema(response, path, method="get"):
    """The response's JSON body is what the schema documents for the path, method and status."""
    schema = published_schema()
    operation = schema["paths"][path][method]
    documented = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
    OAS30Validator({**documented, "components": schema["components"]}).validate(response.json())
