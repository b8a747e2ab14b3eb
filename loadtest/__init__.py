"""`make loadtest`: the portal under gunicorn on PostgreSQL with the national demo data, driven by
locust (see __main__.py, locustfile.py, summary.py and docs/deployment.md)."""
