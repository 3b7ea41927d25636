"""Accounts and access: login, logout, passwords; the org tree and employees; who may see what (access.py)."""
