"""The site administrators' area: /admin pages (webapp/admin/views) behind one guard
(webapp/admin/guard.py), and the services they and `flask admin` share."""
