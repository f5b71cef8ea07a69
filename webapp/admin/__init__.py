"""The site administrators' area: promoting admins today, the `/admin` pages next."""
