"""An in-memory fans.ports.ContactDirectory: every customer a WeChat user unless a test says otherwise."""

WECHAT_USER = 1


class FakeContactDirectory:
    def __init__(self) -> None:
        self.types: dict[str, int] = {}

    async def contact_type(self, external_userid: str) -> int | None:
        return self.types.get(external_userid, WECHAT_USER)
