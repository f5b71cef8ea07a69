"""Tags: normalized topic labels on posts, their pages and suggestions."""
