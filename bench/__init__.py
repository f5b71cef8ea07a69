"""Quorum's load benchmark (`make bench`, `python -m bench.run`).

gunicorn with the repository's gunicorn.conf.py against a seeded PostgreSQL and Redis,
wrk against each heavy page and /healthz in interleaved rounds, then the integrity and
crash checks; the table goes to docs/performance.md. The modules:

  wrk.py      building wrk's Lua scripts and reading what wrk prints (pure)
  report.py   the Markdown table, the crash counter, the machine description (pure)
  targets.py  which URLs to measure, found in the database; signing in through the form
  run.py      the command: start gunicorn, run the rounds, check, write the report
"""
