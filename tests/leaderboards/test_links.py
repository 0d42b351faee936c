"""A guide's page link: it speaks for its guide for a week, and for no one once altered, forged or old."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from leaderboards.links import Holder, LinkProblem, PageLinks
from tests.support.clock import FakeClock

KEY = b"k" * 32


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def links(clock) -> PageLinks:
    return PageLinks(KEY, clock, public_url="https://guide.example.com/")


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["link"][0]


def test_a_guides_link_opens_the_page_under_the_public_url(links):
    url = links.for_guide("zhangsan")

    assert url.startswith("https://guide.example.com/leaderboard?link=")


def test_a_guides_link_speaks_for_that_guide(links):
    assert links.read(token_of(links.for_guide("zhangsan"))) == Holder(guide="zhangsan")


def test_a_link_for_a_private_contest_speaks_for_that_contest(links):
    assert links.read(links.token(Holder(contest=7))) == Holder(contest=7)


def test_a_link_lasts_seven_days(links, clock):
    token = links.token(Holder(guide="zhangsan"))

    clock.advance(days=7, seconds=-1)
    assert links.read(token) == Holder(guide="zhangsan")
    clock.advance(seconds=1)
    assert links.read(token) is LinkProblem.EXPIRED


def test_a_link_with_another_guide_put_in_is_invalid(links):
    """Swapping in the payload of a colleague's link keeps the signature of one's own: it no longer matches."""
    mine, theirs = links.token(Holder(guide="zhangsan")), links.token(Holder(guide="lisi"))

    forged = theirs.split(".")[0] + "." + mine.split(".")[1]

    assert links.read(forged) is LinkProblem.INVALID


def test_a_link_signed_with_another_key_is_invalid(clock, links):
    other = PageLinks(b"x" * 32, clock, public_url="https://guide.example.com")

    assert links.read(other.token(Holder(guide="zhangsan"))) is LinkProblem.INVALID


def test_an_expired_link_that_was_also_altered_is_invalid_not_expired(links, clock):
    token = links.token(Holder(guide="zhangsan"))
    clock.advance(days=30)

    assert links.read(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) is LinkProblem.INVALID


@pytest.mark.parametrize(
    "token", ["", "zhangsan", "a.b", "." * 30, "x" * 5000, "链接.AAAAAAAAAAAAAAAAAAAAAA", "e30.AAAAAAAAAAAAAAAAAAAAAA"]
)
def test_anything_else_is_invalid(links, token):
    assert links.read(token) is LinkProblem.INVALID


def test_each_problem_tells_the_guide_how_to_get_a_new_link():
    assert all("排行" in problem.notice for problem in LinkProblem)


def test_a_short_key_is_refused(clock):
    with pytest.raises(ValueError):
        PageLinks(b"short", clock, public_url="https://guide.example.com", lifetime=timedelta(days=1))
