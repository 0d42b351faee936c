"""Coins (金币) in an append-only ledger, the rewards shop, and badges (徽章)."""
