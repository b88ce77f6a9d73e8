"""/api/v1/openapi.json, built with apispec from the marshmallow input schemas."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify

from .. import __version__
from . import bp

ERROR = {"type": "object", "properties": {"error": {"type": "object", "properties": {
    "code": {"type": "string"}, "message": {"type": "string"}, "fields": {"type": "object"}}}}}
PAGE_PARAMS = [
    {"in": "query", "name": "page", "schema": {"type": "integer", "minimum": 1}},
    {"in": "query", "name": "per_page", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]

# (method, path, summary, request schema, success status, needs token, extra parameters)
OPERATIONS = [
    ("post", "/auth/token", "Zugangstoken für E-Mail und Passwort", "TokenRequest", 201, False, []),
    ("get", "/regions", "Regionen mit ihren aktivierten Plugins", None, 200, False, PAGE_PARAMS),
    ("get", "/consultations", "Veröffentlichte Beteiligungen", None, 200, False, PAGE_PARAMS + [
        {"in": "query", "name": "region", "schema": {"type": "string"}},
        {"in": "query", "name": "status", "schema": {"type": "string",
                                                     "enum": ["draft", "upcoming", "open", "closed"]}}]),
    ("post", "/consultations", "Beteiligung anlegen (Moderation der Region)", "ConsultationCreate", 201, True, []),
    ("get", "/consultations/{id}", "Eine Beteiligung mit ihren Abschnitten", None, 200, False, []),
    ("patch", "/consultations/{id}", "Beteiligung ändern (Moderation der Region)", "ConsultationUpdate", 200, True, []),
    ("get", "/consultations/{id}/comments", "Beiträge erster Ebene mit ihren Antworten", None, 200, False,
     PAGE_PARAMS + [{"in": "query", "name": "sort", "schema": {"type": "string", "enum": ["newest", "top"]}}]),
    ("post", "/consultations/{id}/comments", "Beitrag schreiben; 409 wenn geschlossen", "CommentCreate", 201, True,
     []),
    ("post", "/comments/{id}/votes", "Eigene Bewertung setzen (1 oder -1)", "Vote", 200, True, []),
    ("delete", "/comments/{id}/votes", "Eigene Bewertung zurücknehmen", None, 200, True, []),
    ("post", "/comments/{id}/reports", "Beitrag melden", "Report", 201, True, []),
    ("patch", "/comments/{id}", "Bearbeiten (Verfasser) oder aus-/einblenden (Moderation)", "CommentPatch", 200,
     True, []),
    ("delete", "/comments/{id}", "Eigenen Beitrag löschen", None, 200, True, []),
]


def build_spec():
    from ..accounts.schemas import TokenRequestSchema
    from ..comments.schemas import CommentCreateSchema, CommentPatchSchema, ReportSchema, VoteSchema
    from ..consultations.schemas import ConsultationCreateSchema, ConsultationUpdateSchema

    spec = APISpec(title="Beteiligung NRW API", version=__version__, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Öffentliche Beteiligungen, Beiträge und Umfragen. Fehler haben die Form "
                                        '{"error": {"code", "message", "fields"}}.'},
                   servers=[{"url": "/api/v1"}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR)
    for name, schema in [("TokenRequest", TokenRequestSchema), ("ConsultationCreate", ConsultationCreateSchema),
                         ("ConsultationUpdate", ConsultationUpdateSchema), ("CommentCreate", CommentCreateSchema),
                         ("CommentPatch", CommentPatchSchema), ("Vote", VoteSchema), ("Report", ReportSchema)]:
        spec.components.schema(name, schema=schema)
    paths = {}
    for method, path, summary, body, status, token, params in OPERATIONS:
        parameters = list(params)
        if "{id}" in path:
            parameters.append({"in": "path", "name": "id", "required": True, "schema": {"type": "integer"}})
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        operation = {"summary": summary, "parameters": parameters,
                     "responses": {str(status): {"description": "OK"}, "400": {"description": "Fehlerhaft", **error},
                                   "404": {"description": "Unbekannt", **error},
                                   "422": {"description": "Ungültige Angaben", **error}}}
        if body:
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{body}"}}}}
        if token:
            operation["security"] = [{"bearer": []}]
            operation["responses"].update({"401": {"description": "Kein oder ungültiges Token", **error},
                                           "403": {"description": "Nicht erlaubt", **error},
                                           "409": {"description": "Konflikt", **error},
                                           "429": {"description": "Zu viele Anfragen", **error}})
        paths.setdefault(path, {})[method] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.route("/openapi.json")
def openapi():
    return jsonify(build_spec())
