"""/api/v1/openapi.json, built with apispec from the marshmallow input schemas."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify

from .. import __version__
from ..extensions import MAX_ID
from . import body_limit, bp

ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message", "fields"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}}}}}
PAGE_PARAMS = [
    {"in": "query", "name": "page", "schema": {"type": "integer", "minimum": 1}},
    {"in": "query", "name": "per_page", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]
# Discussions: sorted, and continued after the cursor "next" of the previous answer (instead of page).
THREAD_PARAMS = PAGE_PARAMS + [
    {"in": "query", "name": "sort", "schema": {"type": "string", "enum": ["newest", "top"]}},
    {"in": "query", "name": "after", "schema": {"type": "string", "maxLength": 200},
     "description": "der Wert von next der vorigen Seite / the previous page's next"},
]

# (method, path, summary, request schema, success status, needs token, extra parameters);
# a status filter left empty ("?status=") means no filter, as on the list pages.
OPERATIONS = [
    ("post", "/auth/token", "Zugangstoken für E-Mail und Passwort, mit einem Namen (name, höchstens 80 Zeichen) "
     "für die Liste auf der Kontoseite", "TokenRequest", 201, False, []),
    ("delete", "/auth/token", "Das Token dieser Anfrage widerrufen; ohne oder mit ungültigem Token 401", None, 204,
     True, []),
    ("get", "/regions", "Regionen mit ihren aktivierten Plugins", None, 200, False, PAGE_PARAMS),
    ("post", "/regions", "Region anlegen (Plattform-Administration); vergebene Kurzbezeichnung 409", "RegionCreate",
     201, True, []),
    ("get", "/regions/{slug}", "Eine Region mit ihren aktivierten Plugins", None, 200, False, []),
    ("patch", "/regions/{slug}", "Region ändern: name, theme, description, contact_name, contact_email, "
     "contact_phone (Administration der Region); slug nur "
     "die Plattform-Administration", "RegionPatch", 200, True, []),
    ("put", "/regions/{slug}/plugins/{name}", "Plugin in der Region aktivieren (Administration der Region); "
     "unbekanntes Plugin 404, schon aktiv 409", None, 200, True, []),
    ("delete", "/regions/{slug}/plugins/{name}", "Plugin in der Region deaktivieren, seine Daten bleiben "
     "(Administration der Region); nicht aktiv 409", None, 200, True, []),
    ("get", "/regions/{slug}/moderators", "Moderation der Region: id und pseudonym je Konto (Administration der "
     "Region)", None, 200, True, PAGE_PARAMS),
    ("post", "/regions/{slug}/moderators", "Konto per E-Mail-Adresse zur Moderation der Region hinzufügen "
     "(Administration der Region); 201, 200 wenn es die Region schon moderiert; unbekanntes Konto 404",
     "RegionModerator", 201, True, []),
    ("delete", "/regions/{slug}/moderators/{id}", "Konto aus der Moderation der Region entfernen (Administration "
     "der Region); 204 auch wenn es die Region nicht moderierte", None, 204, True, []),
    ("get", "/consultations", "Veröffentlichte Beteiligungen", None, 200, False, PAGE_PARAMS + [
        {"in": "query", "name": "region", "schema": {"type": "string"}},
        {"in": "query", "name": "status", "schema": {"type": "string",
                                                     "enum": ["", "draft", "upcoming", "open", "closed"]}}]),
    ("post", "/consultations", "Beteiligung anlegen (Moderation der Region)", "ConsultationCreate", 201, True, []),
    ("get", "/consultations/{id}", "Eine Beteiligung mit ihren Abschnitten", None, 200, False, []),
    ("patch", "/consultations/{id}", "Beteiligung ändern (Moderation der Region)", "ConsultationUpdate", 200, True, []),
    ("get", "/consultations/{id}/comments", "Beiträge erster Ebene mit ihren Antworten; next: die Marke der "
     "nächsten Seite (after)", None, 200, False, THREAD_PARAMS),
    ("post", "/consultations/{id}/comments", "Beitrag schreiben; 409 wenn geschlossen", "CommentCreate", 201, True,
     []),
    ("post", "/consultations/{id}/follow", "Der Beteiligung folgen (Benachrichtigungen); 201, 200 wenn schon gefolgt",
     None, 201, True, []),
    ("delete", "/consultations/{id}/follow", "Der Beteiligung nicht mehr folgen; 204 auch ohne Folgen", None, 204,
     True, []),
    ("post", "/polls/{id}/follow", "Der Umfrage folgen; 201, 200 wenn schon gefolgt; Entwürfe 404", None, 201, True,
     []),
    ("delete", "/polls/{id}/follow", "Der Umfrage nicht mehr folgen; 204 auch ohne Folgen", None, 204, True, []),
    ("post", "/regions/{slug}/follow", "Der Region folgen (ihre Beteiligungen und Umfragen); 201, 200 wenn schon "
     "gefolgt", None, 201, True, []),
    ("delete", "/regions/{slug}/follow", "Der Region nicht mehr folgen; 204 auch ohne Folgen", None, 204, True, []),
    ("post", "/processes/{id}/follow", "Dem Beteiligungsprozess folgen (Phasen, Instrumente, Maßnahmen); 201, 200 "
     "wenn schon gefolgt; Entwürfe 404", None, 201, True, []),
    ("delete", "/processes/{id}/follow", "Dem Beteiligungsprozess nicht mehr folgen; 204 auch ohne Folgen", None,
     204, True, []),
    ("post", "/comments/{id}/votes", "Eigene Bewertung setzen (1 oder -1)", "Vote", 200, True, []),
    ("delete", "/comments/{id}/votes", "Eigene Bewertung zurücknehmen", None, 200, True, []),
    ("post", "/comments/{id}/reports", "Beitrag melden", "Report", 201, True, []),
    ("patch", "/comments/{id}", "Bearbeiten (Verfasser) oder aus-/einblenden (Moderation)", "CommentPatch", 200,
     True, []),
    ("delete", "/comments/{id}", "Eigenen Beitrag löschen", None, 200, True, []),
    ("get", "/poll-templates", "Vorlagen der in einer Region aktivierten Plugins", None, 200, False, [
        {"in": "query", "name": "region", "required": True, "schema": {"type": "string"}}]),
    ("get", "/polls", "Umfragen (Entwürfe nur für die Moderation)", None, 200, False, PAGE_PARAMS + [
        {"in": "query", "name": "region", "schema": {"type": "string"}},
        {"in": "query", "name": "status", "schema": {"type": "string", "enum": ["", "draft", "open", "closed"]}}]),
    ("post", "/polls", "Umfrage anlegen, leer oder aus einer Vorlage (Moderation der Region)", "PollCreate", 201,
     True, []),
    ("get", "/polls/{id}", "Eine Umfrage mit Fragen und Antwortmöglichkeiten", None, 200, False, []),
    ("patch", "/polls/{id}", "Umfrage ändern; Fragen nur ohne Teilnahmen (Moderation)", "PollPatch", 200, True, []),
    ("delete", "/polls/{id}", "Entwurf ohne Teilnahmen löschen (Moderation)", None, 204, True, []),
    ("post", "/polls/{id}/open", "Umfrage öffnen (Moderation)", None, 200, True, []),
    ("post", "/polls/{id}/close", "Umfrage beenden (Moderation)", None, 200, True, []),
    ("post", "/polls/{id}/access-codes", "Einmal-Zugangscodes für eine Veranstaltung (Moderation)", "AccessCodes",
     201, True, []),
    ("post", "/polls/{id}/ballots", "Teilnehmen (Bearer-Token oder Authorization: AccessCode …); zweites Mal 409",
     "Ballot", 201, True, []),
    ("get", "/polls/{id}/results", "Ergebnisse, soweit sichtbar (live, nach dem Ende, nur Moderation)", None, 200,
     False, []),
    ("get", "/polls/{id}/results.csv", "Ergebnisse als CSV: eine Zeile je Antwortmöglichkeit bzw. Problem", None,
     200, False, []),
    ("get", "/polls/{id}/problems", "Probleme einer Problemsammlung (nicht freigegebene: Moderation)", None, 200,
     False, PAGE_PARAMS + [{"in": "query", "name": "status", "schema": {
         "type": "string", "enum": ["", "pending", "approved", "rejected", "merged"]}}]),
    ("post", "/polls/{id}/problems", "Problem einreichen (Sammelphase)", "Problem", 201, True, []),
    ("patch", "/problems/{id}", "Problem freigeben, ablehnen oder zusammenführen (Moderation)", "ProblemPatch", 200,
     True, []),
    ("get", "/processes", "Veröffentlichte Beteiligungsprozesse (Entwürfe nur für die Moderation der Region)", None,
     200, False, PAGE_PARAMS + [{"in": "query", "name": "region", "schema": {"type": "string"}}]),
    ("post", "/processes", "Beteiligungsprozess anlegen, leer oder aus einer Vorlage (template: smart_city, "
     "citizen_journey, <plugin>:<key>) mit Phasen und Entwürfen (Moderation der Region)", "ProcessCreate", 201, True,
     []),
    ("get", "/processes/{id}", "Ein Beteiligungsprozess mit seinen Phasen und deren Instrumenten", None, 200, False,
     []),
    ("patch", "/processes/{id}", "Beteiligungsprozess ändern oder veröffentlichen (Moderation der Region)",
     "ProcessPatch", 200, True, []),
    ("get", "/processes/{id}/phases", "Die Phasen eines Beteiligungsprozesses in ihrer Reihenfolge, mit Status "
     "(upcoming, current, past) und Instrumenten", None, 200, False, PAGE_PARAMS),
    ("post", "/processes/{id}/phases", "Phase am Ende anlegen (Moderation der Region)", "PhaseCreate", 201, True, []),
    ("patch", "/phases/{id}", "Phase ändern; neue Daten übernehmen die Instrumente, die der Phase folgen; move: up "
     "oder down verschiebt sie (409 am Anfang bzw. Ende) (Moderation der Region)", "PhasePatch", 200, True, []),
    ("delete", "/phases/{id}", "Phase löschen; ihre Beteiligungen und Umfragen bleiben (Moderation der Region)", None,
     204, True, []),
    ("post", "/phases/{id}/instruments", "Beteiligung oder Umfrage der Region der Phase zuordnen (kind: consultation "
     "oder poll, proposal_collection); schon in einer Phase 409 (Moderation der Region)", "InstrumentCreate", 201,
     True, []),
    ("get", "/proposals", "Veröffentlichte Vorschläge (collection: Id einer Vorschlagssammlung, region: "
     "Kurzbezeichnung); sort: newest, supported, commented oder random (stabil je seed)", None, 200, False,
     PAGE_PARAMS + [
         {"in": "query", "name": "collection", "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}},
         {"in": "query", "name": "region", "schema": {"type": "string"}},
         {"in": "query", "name": "category", "schema": {"type": "string"}},
         {"in": "query", "name": "status", "schema": {"type": "string", "enum": [
             "", "submitted", "in_review", "accepted", "rejected", "implemented"]}},
         {"in": "query", "name": "sort", "schema": {"type": "string", "enum": ["", "newest", "supported", "commented",
                                                                              "random"]}},
         {"in": "query", "name": "seed", "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}]),
    ("post", "/proposals", "Vorschlag einreichen (bestätigtes Konto; Sammlung geöffnet, sonst 409); in einer "
     "Sammlung mit Freigabe wartet er auf die Moderation (state: pending)", "ProposalCreate", 201, True, []),
    ("get", "/proposals/{id}", "Ein Vorschlag mit Text, Unterstützungen, Status und offizieller Antwort", None, 200,
     False, []),
    ("post", "/proposals/{id}/support", "Vorschlag unterstützen (bestätigtes Konto); schon unterstützt 409", None,
     201, True, []),
    ("delete", "/proposals/{id}/support", "Unterstützung zurücknehmen; ohne Unterstützung 409", None, 200, True,
     []),
    ("get", "/proposals/{id}/comments", "Diskussion eines veröffentlichten Vorschlags: Beiträge erster Ebene mit "
     "ihren Antworten (wie bei Beteiligungen)", None, 200, False, THREAD_PARAMS),
    ("post", "/proposals/{id}/comments", "Beitrag zu einem Vorschlag schreiben (bestätigtes Konto); 409 wenn die "
     "Sammlung nicht geöffnet ist, 404 für nicht veröffentlichte Vorschläge", "CommentCreate", 201, True, []),
    ("post", "/proposals/{id}/status", "Status mit offizieller Antwort setzen (submitted, in_review, accepted, "
     "rejected mit Begründung, implemented); Einreichende und Unterstützende werden benachrichtigt (Moderation "
     "der Region)", "ProposalStatus", 200, True, []),
    ("get", "/processes/{id}/export", "Alles zu einem Beteiligungsprozess: Phasen, Instrumente mit Zahlen, Maßnahmen "
     "mit Verknüpfungen und Verlauf (Entwürfe nur für die Moderation der Region)", None, 200, False, []),
    ("get", "/measures", "Maßnahmen veröffentlichter Beteiligungsprozesse (Entwürfe nur für die Moderation der "
     "Region), gefiltert nach Prozess oder Region", None, 200, False, PAGE_PARAMS + [
         {"in": "query", "name": "region", "schema": {"type": "string"}},
         {"in": "query", "name": "process", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}]),
    ("post", "/measures", "Maßnahme eines Beteiligungsprozesses anlegen, mit Verknüpfungen zu Eingaben (links: kind "
     "problem, consultation, poll oder proposal und target_id, aus der Region des Prozesses) (Moderation der "
     "Region)", "MeasureCreate", 201, True, []),
    ("get", "/measures/{id}", "Eine Maßnahme mit Verknüpfungen und Verlauf", None, 200, False, []),
    ("patch", "/measures/{id}", "Maßnahme ändern; links ersetzt die Verknüpfungen (Moderation der Region)",
     "MeasurePatch", 200, True, []),
    ("delete", "/measures/{id}", "Maßnahme mit ihrem Verlauf löschen (Moderation der Region)", None, 204, True, []),
    ("post", "/measures/{id}/updates", "Neuen Stand eintragen (Text, wahlweise neuer status und progress) "
     "(Moderation der Region)", "MeasureUpdateCreate", 201, True, []),
    ("get", "/showcase/projects", "Projektschaufenster: veröffentlichte Projekte der Modellregionen (Entwürfe nur für "
     "die Moderation der Region), gefiltert nach region, status und q (Text in Titel oder Kurzbeschreibung); contact "
     "nur mit Einverständnis der Ansprechperson, sonst null", None, 200, False, PAGE_PARAMS + [
         {"in": "query", "name": "region", "schema": {"type": "string"}},
         {"in": "query", "name": "status", "schema": {"type": "string",
                                                      "enum": ["", "planned", "running", "completed"]}},
         {"in": "query", "name": "q", "schema": {"type": "string", "maxLength": 200}}]),
    ("get", "/showcase/projects/{id}", "Ein Projekt des Projektschaufensters mit Links, Materialien und den "
     "verknüpften Beteiligungsprozessen und Maßnahmen", None, 200, False, []),
    ("get", "/polls/{id}/pair", "Nächstes Paar zum Vergleichen; 204 wenn genug verglichen", None, 200, True, []),
    ("post", "/polls/{id}/comparisons", "Vergleich speichern (winner_id, loser_id; undecided für unentschieden)",
     "Comparison", 201, True, []),
    ("get", "/search", "Volltextsuche in veröffentlichten Beteiligungsprozessen, Beteiligungen und Umfragen, nach "
     "Relevanz; q in Websuche-Schreibweise (Wörter, \"Wortgruppe\", -ausschließen, or); title_highlighted und "
     "snippet_highlighted sind HTML mit <mark> um die Treffer, alles andere maskiert; unbrauchbare Anfrage 422",
     None, 200, False, PAGE_PARAMS + [
         {"in": "query", "name": "q", "required": True,
          "schema": {"type": "string", "minLength": 1, "maxLength": 200}},
         {"in": "query", "name": "region", "schema": {"type": "string"},
          "description": "Kurzbezeichnung der Region; unbekannt: 422."},
         {"in": "query", "name": "kind", "schema": {"type": "string"},
          "description": "process, consultation oder poll (und von Plugins ergänzte Arten); unbekannt: 422."},
         {"in": "query", "name": "status", "schema": {"type": "string",
                                                      "enum": ["", "upcoming", "open", "closed"]}}]),
]


ERROR_DESCRIPTIONS = {
    "400": "Fehlerhafte Anfrage (kein JSON-Objekt, ungültige Seitenangabe)",
    "401": "Kein oder ungültiges Token bzw. ungültiger Zugangscode",
    "403": "Nicht erlaubt",
    "404": "Unbekannt",
    "405": "Methode hier nicht erlaubt (Allow nennt die erlaubten)",
    "409": "Konflikt mit dem aktuellen Stand (zweite Teilnahme, geschlossen, …)",
    "413": "Anfragekörper zu groß für diesen Endpunkt",
    "414": "Adresse zu lang",
    "422": "Ungültige Angaben; fields nennt je Feldpfad (z. B. answers.0.value) deutsche Sätze",
    "429": "Zu viele Anfragen; die Meldung nennt die Sekunden bis zum nächsten Versuch",
}

# (method, path) -> the Flask endpoint, for the body limit of each write.
ENDPOINTS = {
    ("post", "/auth/token"): "api.create_token", ("delete", "/auth/token"): "api.revoke_token",
    ("post", "/consultations"): "api.create_consultation",
    ("post", "/regions"): "api.create_region", ("patch", "/regions/{slug}"): "api.update_region",
    ("post", "/regions/{slug}/moderators"): "api.add_moderator",
    ("patch", "/consultations/{id}"): "api.update_consultation",
    ("post", "/consultations/{id}/comments"): "api.create_comment", ("patch", "/comments/{id}"): "api.patch_comment",
    ("post", "/polls"): "api.create_poll", ("patch", "/polls/{id}"): "api.update_poll",
    ("post", "/polls/{id}/ballots"): "api.submit_ballot",
    ("post", "/processes"): "api.create_process", ("patch", "/processes/{id}"): "api.update_process",
    ("post", "/processes/{id}/phases"): "api.create_phase", ("patch", "/phases/{id}"): "api.update_phase",
    ("post", "/measures"): "api.create_measure", ("patch", "/measures/{id}"): "api.update_measure",
    ("post", "/measures/{id}/updates"): "api.add_measure_update",
    ("post", "/proposals"): "api.create_proposal", ("post", "/proposals/{id}/status"): "api.set_proposal_status",
    ("post", "/proposals/{id}/comments"): "api.create_proposal_comment",
}


def success(path, status):
    if status == 204:
        return {"description": "Erledigt, ohne Inhalt"}
    if path.endswith(".csv"):
        return {"description": "OK", "content": {"text/csv": {"schema": {"type": "string"}}}}
    return {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}


# Writes whose answers hold secrets (a token, access codes): they are never stored, so the header is ignored.
IDEMPOTENCY_IGNORED = ("/auth/token", "/polls/{id}/access-codes")


def build_spec():
    from ..accounts.schemas import TokenRequestSchema
    from ..comments.schemas import CommentCreateSchema, CommentPatchSchema, ReportSchema, VoteSchema
    from ..consultations.schemas import ConsultationCreateSchema, ConsultationUpdateSchema
    from ..measures import schemas as measures
    from ..polls import schemas as polls
    from ..polls.services import question_types
    from ..processes import schemas as processes
    from ..proposals import schemas as proposals
    from ..regions.schemas import RegionCreateSchema, RegionModeratorSchema, RegionPatchSchema

    spec = APISpec(title="Beteiligung NRW API", version=__version__, openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Öffentliche Beteiligungen, Beiträge und Umfragen. Fehler haben die Form "
                                        '{"error": {"code", "message", "fields"}}.\n\nAntworten je Fragetyp '
                                        "(value in POST /polls/{id}/ballots):\n\n" + "\n".join(
                                            f"- `{key}`: {qtype.value_doc}"
                                            for key, qtype in sorted(question_types().types.items()))},
                   servers=[{"url": "/api/v1"}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR)
    for name, schema in [("TokenRequest", TokenRequestSchema), ("ConsultationCreate", ConsultationCreateSchema),
                         ("ConsultationUpdate", ConsultationUpdateSchema), ("CommentCreate", CommentCreateSchema),
                         ("CommentPatch", CommentPatchSchema), ("Vote", VoteSchema), ("Report", ReportSchema),
                         ("PollCreate", polls.PollCreateSchema), ("PollPatch", polls.PollPatchSchema),
                         ("AccessCodes", polls.AccessCodesSchema), ("Ballot", polls.BallotSchema),
                         ("Problem", polls.ProblemSchema), ("ProblemPatch", polls.ProblemPatchSchema),
                         ("Comparison", polls.ComparisonSchema), ("RegionCreate", RegionCreateSchema),
                         ("RegionPatch", RegionPatchSchema), ("RegionModerator", RegionModeratorSchema),
                         ("ProcessCreate", processes.ProcessCreateSchema),
                         ("ProcessPatch", processes.ProcessPatchSchema), ("PhaseCreate", processes.PhaseCreateSchema),
                         ("PhasePatch", processes.PhasePatchSchema),
                         ("InstrumentCreate", processes.InstrumentCreateSchema),
                         ("MeasureCreate", measures.MeasureCreateSchema),
                         ("MeasurePatch", measures.MeasurePatchSchema),
                         ("MeasureUpdateCreate", measures.MeasureUpdateCreateSchema),
                         ("ProposalCreate", proposals.ProposalCreateSchema),
                         ("ProposalStatus", proposals.ProposalStatusSchema)]:
        spec.components.schema(name, schema=schema)
    paths = {}
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for method, path, summary, body, status, token, params in OPERATIONS:
        parameters = list(params)
        if "{id}" in path:
            parameters.append({"in": "path", "name": "id", "required": True,
                               "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                               "description": "Größere Ids benennen nichts: 404 bei jeder Methode."})
        if "{slug}" in path:
            parameters.append({"in": "path", "name": "slug", "required": True, "schema": {"type": "string"},
                               "description": "Kurzbezeichnung der Region, z. B. soest; unbekannt: 404."})
        if "{name}" in path:
            parameters.append({"in": "path", "name": "name", "required": True, "schema": {"type": "string"},
                               "description": "Name eines installierten Plugins, z. B. soest; unbekannt: 404."})
        responses = {str(status): success(path, status)}
        if method != "get" and path not in IDEMPOTENCY_IGNORED:
            parameters.append({"in": "header", "name": "Idempotency-Key", "required": False,
                               "schema": {"type": "string", "pattern": "^[ -~]{1,200}$"},
                               "description": "Optional: eine Wiederholung mit demselben Schlüssel und demselben "
                                              "Inhalt bekommt die erste Antwort (Kopfzeile Idempotent-Replayed: "
                                              "true), ohne ein zweites Mal zu schreiben; derselbe Schlüssel mit "
                                              "anderem Inhalt: 422."})
            responses[str(status)]["headers"] = {"Idempotent-Replayed": {
                "description": "true: die gespeicherte Antwort einer früheren Anfrage mit demselben Schlüssel",
                "schema": {"type": "string"}}}
        if path == "/polls/{id}/pair":
            responses["204"] = {"description": "Genug verglichen: kein Paar mehr"}
        if (method, path) == ("post", "/regions/{slug}/moderators"):
            responses["200"] = {**success(path, 200), "description": "Moderierte die Region schon: nichts geändert"}
        if method == "post" and path.endswith("/follow"):
            responses["200"] = {**success(path, 200), "description": "Folgte schon: nichts geändert"}
        # The errors each operation can answer (DESIGN.md): every one can be malformed (400), meet an
        # invalid token (401: a bad token is refused everywhere), name an unknown id (404), be sent with
        # a method the path lacks (405, with Allow), have a too long URL (414, from the server in front)
        # or invalid fields (422), and be rate-limited (429, with Retry-After and the seconds in words).
        # 409: writes, and reads that do not fit the poll (problems or pairs of a survey).
        codes = ["400", "401", "403", "404", "405", "409", "414", "422", "429"]
        if method != "get":
            codes.append("413")
        for code in sorted(codes):
            responses[code] = {"description": ERROR_DESCRIPTIONS[code], **error}
        responses["405"]["headers"] = {"Allow": {"description": "Die Methoden dieses Pfads",
                                                 "schema": {"type": "string"}}}
        responses["429"]["headers"] = {"Retry-After": {"description": "Sekunden bis zum nächsten Versuch",
                                                       "schema": {"type": "integer"}}}
        operation = {"summary": summary, "parameters": parameters, "responses": responses}
        if body:
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{body}"}}}}
            limit = body_limit(ENDPOINTS.get((method, path), ""))
            operation["description"] = f"Höchstens {limit // 1024} KiB im Anfragekörper (sonst 413)."
        operation["security"] = [{"bearer": []}] if token else [{}, {"bearer": []}]
        paths.setdefault(path, {})[method] = operation
    # The token operations come last: a client that walks the document in order (the contract test)
    # revokes its tokens with DELETE /auth/token only after it has used them everywhere else.
    for path, operations in sorted(paths.items(), key=lambda item: item[0] == "/auth/token"):
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.route("/openapi.json")
def openapi():
    return jsonify(build_spec())
