"""Reports: anyone signed in reports a post, comment, person or community; moderators
and admins resolve them."""
