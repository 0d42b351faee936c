"""The WeCom adapter: callback webhook, event router, inbox/outbox and the async API client."""
