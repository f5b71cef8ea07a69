"""A person's own data: downloading everything they wrote and did, and deleting the
account."""
