"""Accounts: registration, sign in and out, password changes."""
