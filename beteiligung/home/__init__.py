"""The home page (what one can take part in now, what ends soon, upcoming dates, live figures, what became of
earlier input), the region choice a visitor keeps in a cookie, and the archive of closed items."""

from .views import bp


def init_home(app):
    app.register_blueprint(bp)
