"""Entry point for `flask --app wsgi` and for gunicorn (`gunicorn wsgi:app`)."""

from beteiligung import create_app

app = create_app()
