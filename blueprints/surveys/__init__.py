"""Change-readiness surveys: instruments, waves, anonymous answering and thresholded results.

Anonymity rules live in blueprints/common/anonymity.py (shared with upward feedback); the
threat model is docs/anonymity.md.
"""
