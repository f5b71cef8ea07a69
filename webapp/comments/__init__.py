"""Threaded comments: reply, edit, delete, moderate."""
