"""The shared kernel: small pieces every package may import, which import no package of ours.

clock (the one source of time), leases and retry_queue (durable work that survives crashes),
event_bus (domain events recorded with the change, dispatched after commit), web (what HTTP
views share: ApiRoute, errors, JSON helpers), jobs (scheduled jobs, each slot run once across
processes).
"""
