"""The icon: every page links one committed SVG, and /favicon.ico answers it, so no page load logs a 404."""

import re
from urllib.parse import urlsplit

import pytest

from tests.contests.test_views import create
from tests.support.contests import import_pk_org

ICON = "/console/static/favicon.svg"
LINK = re.compile(rf'<link rel="icon" href="{ICON}" type="image/svg\+xml">')


@pytest.mark.parametrize("path", ["/console/login", "/leaderboard", "/leaderboard/benchmarks"])
async def test_the_console_and_the_leaderboard_pages_link_the_icon(client, path):
    html = await (await client.get(path)).text()

    assert LINK.search(html)


async def test_a_contests_live_page_links_the_icon(client, hq_headers):
    await import_pk_org()
    url = urlsplit((await create(client, hq_headers))["page_url"])

    assert LINK.search(await (await client.get(f"{url.path}?{url.query}")).text())


@pytest.mark.parametrize("path", [ICON, "/favicon.ico"])
async def test_the_icon_is_an_image_served_without_signing_in(client, path):
    response = await client.get(path, allow_redirects=False)

    assert response.status == 200
    assert response.content_type == "image/svg+xml"
    assert (await response.text()).startswith("<svg ")
