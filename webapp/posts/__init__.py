"""Posts: submit, read, edit, delete, and moderate."""
