"""The core's process templates: the Smart-City workshop path and the Citizen Journey.

Definitions in the shape plugins use for ``process_templates`` (docs/plugins.md): each phase lists
the drafts made for it when a moderator creates a process from the template. Texts are German
content, as a moderator would write them; they become the moderator's drafts to adapt.
"""

SATISFACTION = {"min": 1, "max": 5, "labels": {"1": "gar nicht zufrieden", "5": "sehr zufrieden"}}
FIELDS_OF_ACTION = ["Mobilität", "Verwaltung und Bürgerservice", "Bildung", "Energie und Umwelt",
                    "Daten und Transparenz", "Gesundheit und Pflege", "Wirtschaft und Handel"]

SMART_CITY = {
    "key": "smart_city",
    "title": "Smart-City-Strategie",
    "description": "Der Weg der Smart-City-Werkstatt in sechs Phasen: von der Bestandsaufnahme über Ziele, "
                   "Vision und Problemdefinition bis zur Projektplanung und Umsetzung.",
    "summary": "Gemeinsam erarbeiten wir die Smart-City-Strategie unserer Kommune – Schritt für Schritt.",
    "body": "Die Strategie entsteht in mehreren Phasen. In jeder Phase können Sie mitmachen: "
            "an Umfragen teilnehmen, Probleme benennen und Entwürfe kommentieren.",
    "phases": [
        {"title": "Bestandsaufnahme",
         "description": "Was gibt es schon? Wir erfassen vorhandene digitale Angebote und wie sie genutzt werden.",
         "instruments": [{"kind": "poll", "poll": {
             "title": "Bestandsaufnahme: Digitale Angebote in unserer Kommune",
             "description": "Welche digitalen Angebote kennen und nutzen Sie – und wie zufrieden sind Sie damit?",
             "kind": "survey",
             "questions": [
                 {"type": "multiple_choice", "text": "Welche digitalen Angebote der Kommune nutzen Sie?",
                  "options": ["Online-Terminvergabe", "Online-Anträge", "Mängelmelder", "Open-Data-Portal",
                              "Öffentliches WLAN", "Keines davon"], "allow_other": True},
                 {"type": "scale", "text": "Wie zufrieden sind Sie insgesamt mit den digitalen Angeboten?",
                  "settings": SATISFACTION},
                 {"type": "text", "text": "Welches Angebot fehlt Ihnen am meisten?",
                  "settings": {"max_length": 1000}},
             ]}}]},
        {"title": "Handlungsfelder und Ziele",
         "description": "In welchen Feldern soll die Smart City wirken, und was wollen wir dort erreichen?",
         "instruments": [{"kind": "poll", "poll": {
             "title": "Handlungsfelder: Was ist Ihnen am wichtigsten?",
             "description": "Bringen Sie die Handlungsfelder in eine Reihenfolge und nennen Sie Ziele.",
             "kind": "survey",
             "questions": [
                 {"type": "ranking", "text": "Welche Handlungsfelder sind Ihnen am wichtigsten?",
                  "options": FIELDS_OF_ACTION, "settings": {"top": 3}, "required": True},
                 {"type": "text", "text": "Welches Ziel sollte die Kommune in diesen Feldern erreichen?",
                  "settings": {"max_length": 1000}},
             ]}}]},
        {"title": "Vision",
         "description": "Wie soll unsere Kommune in zehn Jahren leben und arbeiten? Der Entwurf der Vision "
                        "steht zur Diskussion.",
         "instruments": [{"kind": "consultation",
                          "title": "Unsere Smart-City-Vision",
                          "summary": "Der Entwurf unserer gemeinsamen Vision – kommentieren Sie jeden Abschnitt.",
                          "body": "Dieser Entwurf fasst zusammen, was wir in der Bestandsaufnahme und bei den Zielen "
                                  "gehört haben.\n\n## Leitbild\n\nIn einem Satz: Wofür steht unsere Smart City?\n\n"
                                  "## So leben wir 2035\n\nWie sieht ein Tag in unserer Kommune aus?\n\n"
                                  "## Was uns dabei leitet\n\nGrundsätze wie Datensouveränität, Teilhabe und "
                                  "Nachhaltigkeit."}]},
        {"title": "Problemdefinition",
         "description": "Welche Probleme soll die Smart City zuerst lösen? Nennen Sie Probleme und vergleichen "
                        "Sie sie paarweise.",
         "instruments": [{"kind": "poll", "poll": {
             "title": "Welche Probleme sollen wir zuerst angehen?",
             "description": "Beschreiben Sie ein Problem, das Sie im Alltag erleben. Danach vergleichen Sie "
                            "jeweils zwei Probleme: Welches ist dringender?",
             "kind": "problem_definition"}}]},
        {"title": "Projektplanung",
         "description": "Aus den wichtigsten Problemen werden Projekte. Die Projektskizzen stehen zur Diskussion.",
         "instruments": [{"kind": "consultation",
                          "title": "Projektskizzen zur Diskussion",
                          "summary": "Die geplanten Projekte – was fehlt, was sollten wir anders machen?",
                          "body": "Jede Skizze nennt das Problem, das sie lösen soll, die Schritte und die "
                                  "Beteiligten.\n\n## Projekt 1\n\nProblem, Ziel, Schritte.\n\n## Projekt 2\n\n"
                                  "Problem, Ziel, Schritte."},
                         {"kind": "proposal_collection",
                          "title": "Ihre Projektideen",
                          "body": "Welches Projekt würde eines der wichtigsten Probleme lösen? Schlagen Sie es vor und "
                                  "unterstützen Sie die Ideen anderer. Die Verwaltung antwortet auf jeden Vorschlag.",
                          "categories": FIELDS_OF_ACTION}]},
        {"title": "Umsetzung",
         "description": "Die Projekte werden umgesetzt. Hier berichten wir, wie weit sie sind.",
         "instruments": [{"kind": "poll", "poll": {
             "title": "Umsetzung: Wie erleben Sie die neuen Angebote?",
             "description": "Ihre Rückmeldung zu den umgesetzten Projekten.",
             "kind": "survey",
             "questions": [
                 {"type": "scale", "text": "Wie zufrieden sind Sie mit den umgesetzten Projekten?",
                  "settings": SATISFACTION},
                 {"type": "text", "text": "Was sollten wir verbessern?", "settings": {"max_length": 1000}},
             ]}}]},
    ],
}

CITIZEN_JOURNEY = {
    "key": "citizen_journey",
    "title": "Citizen Journey",
    "description": "Die Erfahrungen der Bürgerinnen und Bürger mit Infrastruktur und Dienstleistungen "
                   "sammeln, auswerten und daraus Maßnahmen ableiten.",
    "summary": "Wie erleben Sie die Angebote und Wege in unserer Kommune? Erzählen Sie es uns.",
    "body": "Wir gehen den Weg mit Ihnen: Erst sammeln wir Ihre Erfahrungen, dann werten wir sie gemeinsam aus "
            "und leiten Maßnahmen ab.",
    "phases": [
        {"title": "Erfahrungen sammeln",
         "description": "Welche Wege gehen Sie, welche Dienste nutzen Sie – und wo hakt es?",
         "instruments": [{"kind": "poll", "poll": {
             "title": "Ihre Erfahrungen: Unterwegs in unserer Kommune",
             "description": "Beschreiben Sie einen Weg oder ein Anliegen, das Sie zuletzt erledigt haben.",
             "kind": "survey",
             "questions": [
                 {"type": "single_choice", "text": "Worum ging es bei Ihrem letzten Anliegen?",
                  "options": ["Ein Amt oder Bürgerbüro", "Bus und Bahn", "Schule oder Kita", "Arzt oder Pflege",
                              "Einkauf und Handel"], "allow_other": True, "required": True},
                 {"type": "scale", "text": "Wie einfach war es, Ihr Anliegen zu erledigen?",
                  "settings": {"min": 1, "max": 5, "labels": {"1": "sehr schwer", "5": "sehr einfach"}}},
                 {"type": "text", "text": "Was hat Sie aufgehalten oder geärgert?", "settings": {"max_length": 1000}},
                 {"type": "text", "text": "Was hat gut funktioniert?", "settings": {"max_length": 1000}},
             ]}}]},
        {"title": "Auswertung",
         "description": "Wir werten die Erfahrungen aus und benennen die größten Hürden.",
         "instruments": [{"kind": "poll", "poll": {
             "title": "Wo hakt es am meisten?",
             "description": "Welche Hürde sollten wir zuerst abbauen? Nennen Sie Hürden und vergleichen Sie sie.",
             "kind": "problem_definition"}}]},
        {"title": "Maßnahmen",
         "description": "Aus den größten Hürden werden Maßnahmen. Der Entwurf steht zur Diskussion.",
         "instruments": [{"kind": "consultation",
                          "title": "Maßnahmen aus der Citizen Journey",
                          "summary": "Was wir ändern wollen – kommentieren Sie die vorgeschlagenen Maßnahmen.",
                          "body": "Die Maßnahmen folgen aus der Auswertung.\n\n## Schnell umsetzbar\n\n"
                                  "Kleine Verbesserungen.\n\n## Größere Vorhaben\n\nWas Zeit und Geld braucht."},
                         {"kind": "proposal_collection",
                          "title": "Ihre Vorschläge für Maßnahmen",
                          "body": "Was sollten wir ändern, damit Ihr Weg einfacher wird? Schlagen Sie Maßnahmen vor "
                                  "und unterstützen Sie die Vorschläge anderer."}]},
    ],
}

CORE_TEMPLATES = (SMART_CITY, CITIZEN_JOURNEY)
