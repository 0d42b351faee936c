"""In headless Chromium: a sale posted through the HQ API moves the open page, without a reload, within 2 s.

The screenshot is kept as a test artifact (test-artifacts/leaderboard-live.png, or under
GUIDEBOT_TEST_ARTIFACTS).
"""

import asyncio

from tests.support import browser
from tests.support.browser import PATIENCE, until
from tests.support.org import import_small_org


async def post_sale(client, hq_headers, services, order_id: str, guide: str, amount: int) -> None:
    line = {"order_id": order_id, "guide": guide, "amount": amount, "sold_at": services.clock.now().isoformat()}
    response = await client.post("/api/v1/sales", json=line, headers=hq_headers)
    assert response.status == 200, await response.text()


def rank_of(name: str):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.common.by import By

    def read(driver) -> str | None:
        try:
            row = driver.find_element(By.XPATH, f'//section[@id="board"]//tr[td[@class="name"]="{name}"]')
            return row.find_element(By.CLASS_NAME, "rank").text
        except (NoSuchElementException, StaleElementReferenceException):
            return None  # not on the board yet, or the board was swapped between the two reads

    return read


async def test_a_sale_moves_the_open_page_without_a_reload(chromium, client, services, hq_headers):
    await import_small_org()
    await post_sale(client, hq_headers, services, "A-1", "zhangsan", 300)
    page = client.make_url("/leaderboard?metric=sales&scope=guide&period=day")

    await asyncio.to_thread(chromium.get, str(page))
    await until(
        chromium, lambda d: d.execute_script("return document.body.dataset.live") == "on", PATIENCE, "never live"
    )
    assert await asyncio.to_thread(rank_of("张三"), chromium) == "1"
    await asyncio.to_thread(chromium.execute_script, "window.sameDocument = true")

    await post_sale(client, hq_headers, services, "B-1", "lisi", 1280)

    await until(
        chromium, lambda d: rank_of("李四")(d) == "1", PATIENCE, "李四 never reached 1st place without a reload"
    )
    assert await asyncio.to_thread(rank_of("张三"), chromium) == "2"
    assert await asyncio.to_thread(chromium.execute_script, "return window.sameDocument") is True
    browser.ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert await asyncio.to_thread(chromium.save_screenshot, str(browser.ARTIFACTS / "leaderboard-live.png"))
