"""A model docstring becomes its table comment, and tortoise's migration executor splits SQL on ';'.

A semicolon there broke `guidebot migrate` (and hung start-up on SQLite) twice.
"""

from tortoise import Tortoise


async def test_no_table_comment_holds_a_semicolon(db):
    offenders = [
        model.__name__ for model in Tortoise.apps["guidebot"].values() if ";" in (model._meta.table_description or "")
    ]

    assert offenders == []
