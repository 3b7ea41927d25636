"""In-app notifications and the e-mail outbox (product.md §3.4)."""
