"""Feedback: routine, structured feedback from leaders, acknowledged and acted on; requests,
follow-ups, development plans, self-reflection and anonymous upward feedback (product.md §3.2)."""
