"""Projektschaufenster: the funded projects of the model regions ("virtuelle Messe"), across regions."""


def init_showcase(app):
    """The pages and the JSON API (its own blueprint under /api/v1/showcase)."""
    from .api import bp as api_bp
    from .views import bp, template_globals

    template_globals(app)
    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
