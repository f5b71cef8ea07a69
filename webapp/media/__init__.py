"""Uploaded images: validated, re-encoded without metadata, served from /media/."""
