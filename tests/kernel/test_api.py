"""The HQ API toolkit's promises about permissions, without an app: every route names one, and the document says it."""

import pytest

from kernel.api import ApiRoute, openapi_document


async def handler(request):
    raise AssertionError("never called")


def test_a_route_without_a_permission_cannot_be_declared():
    with pytest.raises(TypeError):
        ApiRoute("GET", "/api/v1/things", handler, "List things", tag="things")


def test_a_route_with_an_empty_permission_cannot_be_declared():
    with pytest.raises(TypeError, match="name the permission"):
        ApiRoute("GET", "/api/v1/things", handler, "List things", tag="things", permission="")


def test_the_document_says_which_permission_a_route_needs_and_that_it_may_answer_403():
    routes = [ApiRoute("GET", "/api/v1/things", handler, "List things", tag="things", permission="read", scoped=True),
              ApiRoute("POST", "/api/v1/things", handler, "Add a thing", tag="things", permission="shop",
                       title="添加")]  # fmt: skip

    operations = openapi_document(routes, "test", "1")["paths"]["/api/v1/things"]

    assert operations["get"]["description"] == "Needs the `read` permission (any role holding it, within its scope)."
    assert operations["post"]["description"] == "Needs the `shop` permission (HQ roles only)."
    assert "403" in operations["post"]["responses"]
