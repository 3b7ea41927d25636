"""Workshops: programmes and their sessions, registration with waitlist and approval,
attendance, evaluations, the JP ledger, certificates and calendars (product.md §3.1)."""
