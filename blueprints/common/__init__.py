"""Things every blueprint shares: setup steps, htmx helpers, time, exports, anonymity, demo hooks."""
