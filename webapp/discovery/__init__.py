"""How the site is found and shared: robots.txt, the sitemap, OpenGraph and canonical URLs."""
