"""Outbound WeCom: the async API client and the per-member send budget."""
