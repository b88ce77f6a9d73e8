"""Demo polls: one per model region, answered by the demo citizens (deterministic, idempotent)."""

import random
from datetime import timedelta

from sqlalchemy import select

from ..extensions import db
from ..polls import services
from ..polls.models import Poll, Problem
from ..timeutil import utcnow

POLLS = [
    {"region": "gelsenkirchen", "state": "open", "results_visibility": "live", "audience": "accounts",
     "title": "Offene Daten in Gelsenkirchen: Was wünschen Sie sich?",
     "description": "Die Stadt baut ein Open-Data-Portal auf. Sagen Sie uns, welche Daten Sie zuerst brauchen und "
                    "wie Sie sie nutzen möchten. Die Umfrage dauert etwa drei Minuten.",
     "questions": [
         {"type": "single_choice", "text": "Haben Sie schon einmal offene Daten einer Verwaltung genutzt?",
          "required": True, "options": ["Ja, regelmäßig", "Ja, gelegentlich", "Nein, aber ich würde gern",
                                        "Nein, kein Interesse"]},
         {"type": "multiple_choice", "text": "Welche Daten sollte die Stadt zuerst veröffentlichen?",
          "options": ["Baustellen und Verkehrsbehinderungen", "Luftqualität und Lärm", "Haushalt der Stadt",
                      "Freie Kita-Plätze", "Belegung der Parkhäuser", "Beschlüsse des Rates"],
          "allow_other": True, "settings": {"min": 1, "max": 3}},
         {"type": "scale", "text": "Wie wichtig ist Ihnen, dass städtische Daten auf Servern in kommunaler Hand "
                                   "bleiben?",
          "settings": {"min": 1, "max": 5, "labels": {"1": "unwichtig", "5": "sehr wichtig"}}},
         {"type": "text", "text": "Wofür würden Sie die Daten verwenden?", "settings": {"max_length": 1000}},
     ]},
    {"region": "aachen", "state": "closed", "results_visibility": "after_close", "audience": "both",
     "title": "Digitales Lernen an der Volkshochschule",
     "description": "Welche Kurse zum digitalen Lernen soll die VHS Aachen im nächsten Semester anbieten? "
                    "Die Umfrage lief bei der Bildungskonferenz und online.",
     "questions": [
         {"type": "scale", "text": "Wie sicher fühlen Sie sich im Umgang mit Lernplattformen?", "required": True,
          "settings": {"min": 1, "max": 5, "labels": {"1": "sehr unsicher", "5": "sehr sicher"}}},
         {"type": "single_choice", "text": "Welches Gerät nutzen Sie vor allem zum Lernen?",
          "options": ["Laptop oder PC", "Tablet", "Smartphone", "Ich lerne nicht digital"]},
         {"type": "ranking", "text": "Welche Kursthemen sind Ihnen am wichtigsten?",
          "options": ["Sicher im Internet", "Videokonferenzen", "Tabellenkalkulation", "Künstliche Intelligenz im "
                      "Alltag", "Online-Behördengänge"], "settings": {"top": 3}},
     ]},
    {"region": "paderborn", "state": "open", "results_visibility": "after_close", "audience": "accounts",
     "title": "Wie zufrieden sind Sie mit den Online-Diensten der Stadt?",
     "description": "Paderborn bietet über 40 Verwaltungsleistungen online an. Helfen Sie uns, die wichtigsten "
                    "zu verbessern – und zu entscheiden, welche wir anderen Kommunen empfehlen.",
     "questions": [
         {"type": "multiple_choice", "text": "Welche Online-Dienste haben Sie schon genutzt?",
          "options": ["Terminbuchung im Bürgerbüro", "Anwohnerparkausweis", "Sperrmüll anmelden",
                      "Hundesteuer an- und abmelden", "Mängelmelder"], "settings": {"min": 1}},
         {"type": "scale", "text": "Wie zufrieden waren Sie insgesamt?", "required": True,
          "settings": {"min": 1, "max": 5, "labels": {"1": "gar nicht", "5": "sehr"}}},
         {"type": "single_choice", "text": "Was hat Sie am meisten gestört?",
          "options": ["Die Anmeldung mit dem Servicekonto", "Unklare Formulare", "Lange Bearbeitungszeit",
                      "Nichts, alles lief gut"], "allow_other": True},
     ]},
    {"region": "soest", "state": "open", "kind": "problem_definition", "phase": "comparing",
     "results_visibility": "live", "audience": "both",
     "title": "Mobilität auf dem Land: Was drückt am meisten?",
     "description": "Im Kreis Soest haben Bürgerinnen und Bürger Probleme der Mobilität gesammelt. Jetzt sind Sie "
                    "gefragt: Vergleichen Sie jeweils zwei Probleme und wählen Sie das dringendere.",
     "problems": ["Busse fahren in den Dörfern abends und am Wochenende kaum",
                  "Zwischen Soest und Bad Sassendorf fehlt ein sicherer Radweg",
                  "Der Bürgerbus muss einen Tag vorher telefonisch bestellt werden",
                  "An den Bahnhöfen fehlen sichere Abstellanlagen für Fahrräder",
                  "Es gibt keine Mobilstation mit Carsharing in den Ortsteilen",
                  "Fahrpläne von Bus und Bahn sind nicht aufeinander abgestimmt",
                  "Ältere Menschen kommen ohne Auto nicht zum Arzt",
                  "Schulwege an Landstraßen sind für Kinder gefährlich"]},
    {"region": "wuppertal", "state": "open", "results_visibility": "live", "audience": "both",
     "title": "Das digitale Rathaus: Wie war Ihr letzter Behördengang?",
     "description": "Wuppertal baut das Rathaus um – digital und in den Abläufen. Erzählen Sie uns, wie Ihr "
                    "letzter Kontakt mit der Verwaltung gelaufen ist.",
     "questions": [
         {"type": "single_choice", "text": "Wie haben Sie Ihr letztes Anliegen erledigt?", "required": True,
          "options": ["Komplett online", "Online begonnen, vor Ort beendet", "Vor Ort im Bürgerbüro",
                      "Per Telefon oder Post"]},
         {"type": "scale", "text": "Wie einfach war es, den richtigen Ansprechpartner zu finden?",
          "settings": {"min": 1, "max": 5, "labels": {"1": "sehr schwer", "5": "sehr einfach"}}},
         {"type": "ranking", "text": "Was sollte das Rathaus zuerst verbessern?",
          "options": ["Online-Terminbuchung", "Status meines Antrags online sehen", "Weniger Papierformulare",
                      "Längere Öffnungszeiten"], "settings": {"top": 2}},
         {"type": "text", "text": "Was hat Sie geärgert – oder besonders gefreut?", "settings": {"max_length": 1000}},
     ]},
    # Still collecting: a newcomer can submit a problem here (and see it wait for the moderation).
    {"region": "wuppertal", "state": "open", "kind": "problem_definition", "phase": "collecting",
     "results_visibility": "live", "audience": "both",
     "title": "Anträge im Rathaus: Wo hakt es?",
     "description": "Bevor Wuppertal die nächsten Verwaltungsleistungen digitalisiert, sammeln wir, was Sie bei "
                    "Anträgen und Behördengängen stört. Reichen Sie ein Problem ein: Die Moderation prüft jeden "
                    "Vorschlag, danach vergleichen alle die Probleme paarweise.",
     "problems": ["Für viele Anträge muss ich trotz Online-Formular noch persönlich ins Bürgerbüro",
                  "Ich erfahre nicht, wie weit mein Antrag bearbeitet ist",
                  "Dieselben Angaben muss ich bei jedem Amt erneut machen"],
     "submitted": [
         {"by": 0, "text": "Die Online-Formulare funktionieren auf dem Smartphone nur schlecht",
          "status": "pending"},
         {"by": 1, "text": "Die Parkplätze vor dem Rathaus sind immer belegt",
          "status": "rejected", "reason": "Das betrifft nicht die Anträge selbst; bitte nutzen Sie dafür den "
                                          "Mängelmelder."},
         {"by": 2, "text": "Ich muss bei jeder Behörde wieder dieselben Daten eintragen",
          "status": "merged", "reason": "Dasselbe Problem ist schon freigegeben.", "merged_into": 2},
     ]},
]

TEXTS = ["Für eine App, die freie Parkplätze anzeigt.", "Um im Stadtteilverein über Lärm zu diskutieren.",
         "Die Terminbuchung klappte gut, die Wartezeit vor Ort war trotzdem lang.",
         "Ich würde gern sehen, wo mein Antrag gerade liegt.", "Für den Schulunterricht in Erdkunde."]


def _value(question, rng):
    options = [option.id for option in question.options]
    if question.type == "single_choice":
        return rng.choice(options)
    if question.type == "multiple_choice":
        low, high = question.settings.get("min", 0) or 1, question.settings.get("max", len(options))
        return rng.sample(options, rng.randint(low, min(high, len(options))))
    if question.type == "scale":
        return rng.choice([2, 3, 4, 4, 5, 5])
    if question.type == "ranking":
        return rng.sample(options, question.settings.get("top") or len(options))
    return rng.choice(TEXTS) if rng.random() < 0.6 else None


def load_polls(regions, moderators, citizens):
    """Create the demo polls that do not exist yet (by region and title); return how many were created."""
    now = utcnow()
    created = 0
    for index, data in enumerate(POLLS):
        region = regions[data["region"]]
        if db.session.scalar(select(Poll.id).where(Poll.region_id == region.id, Poll.title == data["title"])):
            continue
        moderator = moderators[data["region"]]
        body = {key: data[key] for key in ("title", "description", "audience", "results_visibility")}
        body.update(kind=data.get("kind", "survey"), questions=data.get("questions", []))
        poll = services.create_poll(moderator, region, body)
        poll.created_at = now - timedelta(days=12 - index)
        approved = [Problem(poll_id=poll.id, text=text, status="approved", moderated_at=now)
                    for text in data.get("problems", [])]
        db.session.add_all(approved)
        if poll.kind == "problem_definition":
            poll.phase = data.get("phase", "collecting")
        services.open_poll(moderator, poll)
        poll.opens_at = poll.opened_at = now - timedelta(days=10 - index)
        db.session.flush()
        for item in data.get("submitted", []):
            problem = services.submit_problem(services.Participant(user=citizens[item["by"]]), poll, item["text"])
            if item["status"] != "pending":
                target = approved[item["merged_into"]].id if "merged_into" in item else None
                services.moderate_problem(moderator, problem, item["status"], item.get("reason"), target)
        rng = random.Random(index)
        for citizen in citizens:
            who = services.Participant(user=citizen)
            if poll.kind == "problem_definition" and poll.phase != "comparing":
                continue
            if poll.kind == "survey":
                answers = {q.id: _value(q, rng) for q in poll.questions}
                services.submit_ballot(who, poll, {k: v for k, v in answers.items() if v is not None})
            else:
                for _round in range(8):
                    pair = services.next_pair(who, poll, rng)
                    if pair is None:
                        break
                    first, second = pair
                    # Citizens mostly find the problem of buses and older people more pressing.
                    weight = {p.id: 3.0 if ("Bus" in p.text or "Ältere" in p.text) else 1.0 for p in pair}
                    winner = first if rng.random() < weight[first.id] / (weight[first.id] + weight[second.id]) \
                        else second
                    services.compare(who, poll, winner.id, (second if winner is first else first).id)
        if poll.audience != "accounts":
            services.generate_codes(moderator, poll, 20)
        if data["state"] == "closed":
            services.close_poll(moderator, poll)
            poll.closed_at = now - timedelta(days=2)
        db.session.flush()
        created += 1
    return created


def load_template_polls(regions, moderators):
    """One open poll from each template of the plugins enabled in a region (once per template)."""
    created = 0
    for slug, region in regions.items():
        for key, template in sorted(services.templates_for(region).items()):
            if db.session.scalar(select(Poll.id).where(Poll.region_id == region.id, Poll.template == key)):
                continue
            poll = services.create_poll(moderators[slug], region, {"template": key})
            if poll.kind == "problem_definition":
                poll.phase = "comparing" if len(template.get("problems", [])) >= 2 else "collecting"
            services.open_poll(moderators[slug], poll)
            db.session.flush()
            created += 1
    return created
