"""The OpenAPI document names each shape by its class name: two shapes with one name described one of them wrongly.

Contests' TeamOut and StandingOut took the names of the org's and the boards' shapes, and
schemathesis found the answers no longer matched the document.
"""

from collections import Counter

from pydantic import BaseModel

from config.app import create_app
from config.settings import Settings

PACKAGES = ("org.", "tasks.", "rewards.", "bot.", "leaderboards.", "contests.", "benchmarks.", "kernel.")


def shapes(model: type[BaseModel]):
    for sub in model.__subclasses__():
        if sub.__module__.startswith(PACKAGES):
            yield sub
        yield from shapes(sub)


def test_no_two_api_shapes_share_a_name():
    create_app(Settings(_env_file=None, hq_api_token="x"))  # every views module is imported
    names = Counter(model.__name__ for model in set(shapes(BaseModel)))

    assert [name for name, n in names.items() if n > 1] == []
