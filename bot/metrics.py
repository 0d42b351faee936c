"""Prometheus metrics of the bot, on a registry of the app's own (several apps can live in one test run)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class BotMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.callbacks = Counter(
            "guidebot_callbacks", "WeCom callbacks by outcome", ["outcome"], registry=self.registry
        )
        self.inbox_lag = Histogram(
            "guidebot_inbox_lag_seconds",
            "Time from storing a callback to finishing its handling",
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.inbox_pending = Gauge("guidebot_inbox_pending", "Stored callbacks not yet handled", registry=self.registry)
        self.inbox_retries = Counter(
            "guidebot_inbox_retries",
            "Handlings that failed and were put back for a retry",
            ["kind"],
            registry=self.registry,
        )
        self.inbox_dead_letters = Counter(
            "guidebot_inbox_dead_letters", "Callbacks given up after the last attempt", ["kind"], registry=self.registry
        )
        self.event_dead_letters = Counter(
            "guidebot_event_dead_letters",
            "Domain events whose subscribers failed on every attempt",
            ["event"],
            registry=self.registry,
        )
        self.events_dead = Gauge(
            "guidebot_events_dead", "Domain events waiting for HQ to replay them", registry=self.registry
        )
        self.inbox_dead = Gauge(
            "guidebot_inbox_dead", "Dead letters waiting for HQ to replay them", registry=self.registry
        )
        self.outbox_rows = Gauge("guidebot_outbox_rows", "Outbox rows by status", ["status"], registry=self.registry)
        self.outbox_sent = Counter("guidebot_outbox_sent", "Outbox rows sent", ["api"], registry=self.registry)
        self.outbox_failed = Counter(
            "guidebot_outbox_failed", "Outbox rows that failed for good", ["api"], registry=self.registry
        )
        self.wecom_calls = Counter(
            "guidebot_wecom_api_calls",
            "WeCom API calls by path and errcode",
            ["path", "errcode"],
            registry=self.registry,
        )
        self.invites = Counter("guidebot_invites", "Membership invites by outcome", ["outcome"], registry=self.registry)

    def count_wecom_call(self, path: str, outcome: str) -> None:
        self.wecom_calls.labels(path=path, errcode=outcome).inc()
