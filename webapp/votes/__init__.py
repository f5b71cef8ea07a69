"""Voting on posts and comments."""
