"""Reading a server-sent event stream the way a browser's EventSource does, one event at a time."""

from __future__ import annotations

import asyncio

import aiohttp


async def next_event(response: aiohttp.ClientResponse, timeout: float = 2.0) -> tuple[str, str]:
    """The next event's (type, data); comments (pings) and `retry:` lines are skipped."""

    async def read() -> tuple[str, str]:
        kind, data = "message", []
        while True:
            line = (await response.content.readline()).decode()
            if not line:
                raise EOFError("the stream ended")
            line = line.rstrip("\r\n")
            if not line:
                if data:
                    return kind, "\n".join(data)
                continue
            field, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if field == "event":
                kind = value
            elif field == "data":
                data.append(value)

    return await asyncio.wait_for(read(), timeout)
