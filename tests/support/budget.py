"""The wall clock may be in the night's quiet hours, and most specs push freely: they run with the
push budget off; the specs of tests/pushes switch it on with a clock they drive."""

PUSH_BUDGET_OFF = {"push_quiet_hours": "off", "push_cap_per_hour": 0, "push_cap_per_day": 0}
