"""In headless Chromium, as HQ works: sign in with (the fake) 企业微信, post an add_fans task for one store through the
form, publish it, see the card reach WeCom and the progress move after a customer adds the guide.

The app serves on a real port that its PUBLIC_URL names, so WeCom's login page sends the
browser back to it. Screenshots are kept as test artifacts (test-artifacts/ or
GUIDEBOT_TEST_ARTIFACTS): the login page, the form with errors, the card preview, and the
progress page at desktop and phone widths.
"""

import asyncio
import time

import pytest

from config.app import create_app
from console.pages import MENU
from staff.models import StaffRole
from tasks.models import Task, TaskStatus
from tests.support import browser
from tests.support.browser import PATIENCE, until
from tests.support.clock import FakeClock
from tests.support.server import free_port
from tests.support.tasks import task_in
from tests.support.wecom import contact_xml, signed_callback


@pytest.fixture
async def client(aiohttp_client, settings):
    """The whole app on a port chosen first, so that its PUBLIC_URL (WeCom's way back after login) is right."""
    port = free_port()
    served = settings.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    return await aiohttp_client(create_app(served), server_kwargs={"port": port})


class Page:
    """The browser, driven from a thread at each step so the app under test keeps serving on the event loop."""

    def __init__(self, driver, client) -> None:
        self.driver, self.client = driver, client

    async def open(self, path: str) -> None:
        await asyncio.to_thread(self.driver.get, str(self.client.make_url(path)))

    async def find(self, css: str):
        from selenium.webdriver.common.by import By

        return await asyncio.to_thread(self.driver.find_element, By.CSS_SELECTOR, css)

    async def click(self, css: str) -> None:
        await asyncio.to_thread((await self.find(css)).click)

    async def click_text(self, text: str) -> None:
        from selenium.webdriver.common.by import By

        link = await asyncio.to_thread(
            self.driver.find_element, By.XPATH, f'//*[self::a or self::button][contains(., "{text}")]'
        )
        await asyncio.to_thread(link.click)

    async def type(self, name: str, value: str) -> None:
        field = await self.find(f'[name="{name}"]')
        await asyncio.to_thread(field.clear)
        await asyncio.to_thread(field.send_keys, value)

    async def text(self, css: str = "body") -> str:
        return await asyncio.to_thread(lambda: self.driver.find_element("css selector", css).text)

    async def shows(self, words: str, timeout: float = PATIENCE) -> None:
        await until(
            self.driver,
            lambda d: words in d.find_element("css selector", "body").text,
            timeout,
            f"never showed {words!r}",
        )

    async def sign_in_with_wecom(self, userid: str, then: str) -> None:
        """Opens `then`, is sent to the login page, goes to (the fake) WeCom, types the UserID, and comes back."""
        await self.open(then)
        await self.shows("企业微信扫码登录")
        await self.click_text("企业微信扫码登录")
        await self.type("userid", userid)
        await self.click('button[type="submit"]')
        await until(self.driver, lambda d: d.current_url.endswith(then), PATIENCE, f"never came back to {then}")


@pytest.fixture
async def operator(chromium, client, services, org):
    await services.accounts.grant("yunying", StaffRole.HQ_OPERATOR, by="test")
    return Page(chromium, client)


async def test_hq_posts_an_add_fans_task_for_one_store_and_watches_it_move(operator, client, services, fake_wecom):
    page = operator
    await page.open("/console/tasks")
    await page.shows("企业微信扫码登录")
    await browser.screenshot(page.driver, "console-login", browser.PHONE)
    await page.sign_in_with_wecom("yunying", then="/console/tasks")
    await page.shows("还没有任务")

    await page.click_text("新建任务")
    await page.click('form.task button[type="submit"]')  # nothing filled in yet
    await page.shows("请修改以下")
    errors = await page.text(".errors")
    assert "标题：不能为空" in errors and "每人目标：必填" in errors and "发给谁：请至少选择" in errors
    await browser.screenshot(page.driver, "console-task-form-errors", browser.DESKTOP)
    assert await Task.all().count() == 0

    await page.type("title", "周末吸粉冲刺")
    await page.type("description", "请顾客扫码加你为好友")
    await page.type("target", "1")
    await page.click('input[name="audience.stores"][value="SH01"]')
    await until(
        page.driver, lambda d: "将发给 1 位导购" in d.find_element("id", "reach").text, PATIENCE, "no live count"
    )
    await page.click('form.task button[type="submit"]')
    await page.shows("卡片预览")
    assert "吸粉 0/1" in await page.text(".wecom-card")
    await browser.screenshot(page.driver, "console-task-preview", browser.PHONE)

    await page.click_text("发布…")
    await page.shows("确认发布给 1 位导购")
    await page.click_text("确认发布给 1 位导购")
    await page.shows("已发布，任务卡片已发给导购")
    await services.outbox.drain()
    [card] = fake_wecom.messages_to("zhangsan")
    assert card["template_card"]["main_title"]["title"] == "周末吸粉冲刺"
    assert fake_wecom.messages_to("lisi") == []

    query, body = signed_callback(
        contact_xml("add_external_contact", "zhangsan", "wmCUST1", create_time=int(time.time()))
    )
    assert (await client.post(f"/wecom/callback?{query}", data=body)).status == 200
    await services.inbox.drain()
    await asyncio.to_thread(page.driver.refresh)
    await page.shows("100%")
    assert (await page.text("#progress td.progress")) == "1"
    await browser.screenshot(page.driver, "console-task-progress-desktop", browser.DESKTOP)
    await browser.screenshot(page.driver, "console-task-progress-phone", browser.PHONE)


async def test_a_store_manager_opening_another_stores_task_sees_that_it_is_not_there(chromium, client, services, org):
    other = await services.publishing.publish(
        (await services.publishing.create_draft(task_in(audience={"stores": ["SH02"]}))).id
    )
    page = Page(chromium, client)

    await page.sign_in_with_wecom("wangdian", then="/console/tasks")
    await page.open(f"/console/tasks/{other.id}")

    assert "页面不存在" in await page.text("h1")
    assert "李四" not in await page.text()


async def test_a_form_left_too_long_is_not_saved_and_the_login_page_says_why(operator, services, settings):
    page = operator
    await page.sign_in_with_wecom("yunying", then="/console/tasks/new")
    await page.type("title", "周末吸粉冲刺")
    await page.type("target", "1")
    await page.click('input[name="audience.stores"][value="SH01"]')
    await page.shows("将发给 1 位导购")

    services.clock = FakeClock()
    services.clock.advance(minutes=settings.console_idle_minutes + 1)
    await page.click('form.task button[type="submit"]')

    await page.shows("长时间未操作")
    assert not await Task.filter(status=TaskStatus.DRAFT).exists()


async def test_hq_opens_a_store_in_the_picker_and_picks_one_of_its_guides(operator):
    """The form lists stores only; opening one fetches its guides, and a guide ticked there is counted live."""
    page = operator
    await page.sign_in_with_wecom("yunying", then="/console/tasks/new")
    assert "张三" not in await page.text("fieldset.audience")

    await page.click('details[hx-get$="/stores/SH01"] > summary > small')  # the count, not the store's own box
    await until(
        page.driver,
        lambda d: d.find_elements("css selector", 'input[name="audience.guides"][value="zhangsan"]'),
        PATIENCE,
        "the store's guides never came",
    )
    assert "张三" in await page.text('details[hx-get$="/stores/SH01"] .guides')
    await page.click('input[name="audience.guides"][value="zhangsan"]')

    await until(
        page.driver, lambda d: "将发给 1 位导购" in d.find_element("id", "reach").text, PATIENCE, "no live count"
    )
    store_box = await page.find('input[name="audience.stores"][value="SH01"]')
    assert not await asyncio.to_thread(store_box.is_selected)


async def test_on_a_phone_every_menu_item_is_on_screen_and_opens_its_page(chromium, client, services, org):
    await services.accounts.grant("guanli", StaffRole.HQ_ADMIN, by="test")  # an administrator sees every item
    page = Page(chromium, client)
    await page.sign_in_with_wecom("guanli", then="/console/")
    await asyncio.to_thread(page.driver.set_window_size, *browser.SMALL_PHONE)

    width, items = await asyncio.to_thread(
        page.driver.execute_script,
        """return [window.innerWidth, [...document.querySelectorAll('.menu a')].map(a => {
             const r = a.getBoundingClientRect();
             return [a.textContent.trim(), r.left, r.right, r.width > 0 && r.height > 0];
           })];""",
    )

    assert width <= browser.SMALL_PHONE[0]
    assert [title for title, *_ in items] == [title for title, _, _ in MENU]
    off_screen = [title for title, left, right, shown in items if not (shown and left >= 0 and right <= width)]
    assert off_screen == []
    await page.click_text("人员与令牌")  # the last item, on the menu's last line
    await page.shows("API 令牌")
