"""Administration: units, accounts and roles, employee import, settings and the audit log (product.md §3.6)."""
