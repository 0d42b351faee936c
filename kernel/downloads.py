"""CSV downloads that Excel opens with the Chinese intact: UTF-8 with a byte-order mark."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from aiohttp import web


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """The rows as CSV, the header row first; None is an empty cell."""
    out = io.StringIO()
    csv.writer(out).writerows([["" if value is None else value for value in row] for row in rows])
    return out.getvalue()


def csv_download(filename: str, text: str) -> web.Response:
    """`filename` is ASCII (a header cannot carry more without encoding it)."""
    return web.Response(
        body=("\ufeff" + text).encode(),  # the BOM lets Excel read the Chinese
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
