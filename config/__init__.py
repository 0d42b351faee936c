"""Composition root: settings, database, Redis, the aiohttp app and the CLI."""
