"""Communities: the directory, community pages, membership and moderation roles."""
