"""Feeds: the lists of posts people read."""
