"""A caller's scope as a query filter: the rows of the guides in some stores.

Scope is a set of store codes, None meaning every store, so domain code needs no idea of
roles. Filtering in the query (not after a page was cut) keeps every page full and whole.
"""

from __future__ import annotations

from collections.abc import Collection

from tortoise.expressions import Q, Subquery

from org.models import Guide

StoreCodes = Collection[str] | None  # None: every store


def of_guides_in(store_codes: StoreCodes, field: str = "guide_userid") -> Q:
    """Keeps the rows whose `field` names a guide in these stores (every row when store_codes is None)."""
    if store_codes is None:
        return Q()
    return Q(**{f"{field}__in": Subquery(Guide.filter(store__code__in=list(store_codes)).values("userid"))})
