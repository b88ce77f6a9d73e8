"""Surveys and problem-definition polls: the engine that plugins contribute definitions and types to."""


def init_question_types(app):
    """One registry of question types per app: the core's and those of the loaded plugins."""
    from .types import TypeRegistry

    types = TypeRegistry()
    for key, (cls, plugin) in app.extensions["beteiligung.plugins"].question_types.items():
        types.add(key, cls, plugin)
    app.extensions["beteiligung.question_types"] = types
