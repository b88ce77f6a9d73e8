"""Measures (Maßnahmen): what became of a process's results, with progress, a log and links to the inputs."""


def init_measures(app):
    """The kinds of input a measure can link to, and the pages (the API routes load with the API)."""
    from .links import install_link_kinds
    from .views import bp, template_globals

    install_link_kinds(app)
    if "proposals" in app.blueprints:  # proposals (beteiligung.proposals) are inputs too
        from .links import add_link_kind
        from .proposal_link import proposal_link_kind

        add_link_kind(app, proposal_link_kind())
    template_globals(app)
    app.register_blueprint(bp)
