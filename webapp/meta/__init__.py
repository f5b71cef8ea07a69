"""Site-wide endpoints: health check and the guest's language choice."""
