"""Profiles: public pages of people, following, and profile settings."""
