"""Finding things: the full-text search (page and API) and the feeds (iCalendar dates, Atom news)."""


def init_discovery(app):
    """The core's searchable kinds and the pages; the API route comes with the API blueprint."""
    from .search import register_core_kinds
    from .views import bp

    with app.app_context():
        register_core_kinds()
    app.register_blueprint(bp)
