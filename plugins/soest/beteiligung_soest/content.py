"""What the Kreis Soest offers its moderators: the places of the district and two poll templates."""

# The 14 towns and municipalities of Kreis Soest, and one answer for everybody else.
PLACES = ("Anröchte", "Bad Sassendorf", "Ense", "Erwitte", "Geseke", "Lippetal", "Lippstadt", "Möhnesee",
          "Rüthen", "Soest", "Warstein", "Welver", "Werl", "Wickede (Ruhr)")
ELSEWHERE = "anderswo"

MOBILITY_PROBLEMS = (
    "Abends und am Wochenende fährt in vielen Dörfern kaum noch ein Bus. Wer nach 19 Uhr aus Soest oder "
    "Lippstadt zurück ins Dorf will, braucht ein Auto oder ein Taxi.",
    "Das Anruf-Sammel-Taxi und der On-Demand-Shuttle müssen oft schon am Vortag gebucht werden. Spontane Fahrten "
    "zum Einkaufen, zur Apotheke oder zu Freunden sind so kaum möglich.",
    "Zwischen Soest und Bad Sassendorf fehlt ein durchgehender, sicherer Radweg abseits der Landstraße.",
    "Zwischen Lippstadt und Erwitte gibt es keinen durchgehenden Radweg. Wer mit dem Rad zur Arbeit pendelt, "
    "teilt sich die Fahrbahn mit Lkw und Berufsverkehr.",
    "In den Ortsteilen gibt es keine Mobilstationen mit Carsharing, Leihrädern oder Lastenrädern – "
    "ein Zweitauto ist für viele Familien die einzige Möglichkeit.",
    "Bus und Regionalbahn sind schlecht aufeinander abgestimmt: An den Bahnhöfen in Soest, Lippstadt und Werl "
    "verpasst man den Anschluss oft um wenige Minuten und wartet dann eine halbe Stunde.",
    "Viele Schulwege führen an Landstraßen ohne Gehweg und ohne Beleuchtung entlang. Im Winter gehen und "
    "radeln die Kinder dort im Dunkeln.",
    "Ältere Menschen ohne Auto kommen kaum noch zur Hausarztpraxis oder zu Fachärzten in der nächsten Stadt, "
    "weil Busse selten fahren und die Haltestelle weit weg ist.",
    "An den Bahnhöfen fehlen Park-and-Ride-Plätze und sichere, überdachte Fahrradabstellanlagen. Wer morgens "
    "nach 7 Uhr kommt, findet keinen Platz mehr.",
    "Viele Haltestellen in den Dörfern sind nicht barrierefrei: kein erhöhter Bordstein, kein Wetterschutz, "
    "keine Sitzgelegenheit und kein lesbarer Fahrplan.",
    "Fahrpläne, Tarife und Buchung sind unübersichtlich: Für Bus, Bürgerbus, Anruf-Sammel-Taxi und Bahn braucht "
    "man verschiedene Apps, Telefonnummern und Fahrkarten.",
    "Jugendliche kommen abends und am Wochenende ohne Eltern-Taxi nicht zum Sport, zur Ausbildung oder zu "
    "Freizeitangeboten in der nächsten Stadt.",
    "Auf den Ortsdurchfahrten wird oft zu schnell gefahren, und es fehlen sichere Querungen für Menschen "
    "zu Fuß und auf dem Rad.",
    "Aus dem Süden des Kreises – etwa aus Warstein, Rüthen oder vom Möhnesee – kommt man ohne Auto nur schwer "
    "zu den Bahnhöfen am Hellweg.",
)

MOBILITY_TEMPLATE = {
    "key": "mobilitaet",
    "title": "Mobilität auf dem Land: Was muss sich zuerst ändern?",
    "description": (
        "Im Kreis Soest sind viele Wege lang und der Bus fährt nicht überall oft. Wir haben Probleme gesammelt, "
        "die uns Bürgerinnen und Bürger aus den Städten und Dörfern des Kreises genannt haben. Ergänzen Sie, was "
        "fehlt – und vergleichen Sie danach jeweils zwei Probleme: Welches sollte der Kreis zuerst angehen? "
        "Aus allen Vergleichen entsteht eine Rangfolge, die in den Nahverkehrsplan und das Radverkehrskonzept "
        "des Kreises einfließt."
    ),
    "kind": "problem_definition",
    "audience": "both",
    "results_visibility": "live",
    "problems": list(MOBILITY_PROBLEMS),
}

PLACE_SURVEY_TEMPLATE = {
    "key": "ortsbefragung",
    "title": "Unterwegs im Kreis Soest",
    "description": (
        "Wie kommen Sie zur Arbeit, zur Schule, zum Einkaufen oder zum Arzt? Mit dieser kurzen Befragung "
        "(etwa drei Minuten) möchte der Kreis Soest erfahren, wie gut Bus, Bahn und Radwege in den einzelnen "
        "Städten und Gemeinden funktionieren. Die Antworten werden nur zusammengefasst ausgewertet: Orte mit "
        "wenigen Antworten zeigen wir nicht einzeln."
    ),
    "kind": "survey",
    "audience": "both",
    "results_visibility": "after_close",
    "questions": [
        {"type": "soest.district", "text": "In welcher Stadt oder Gemeinde wohnen Sie?", "required": True,
         "options": [*PLACES, ELSEWHERE]},
        {"type": "single_choice", "text": "Wie legen Sie die meisten Ihrer Alltagswege zurück?", "required": True,
         "options": ["Mit dem eigenen Auto", "Als Mitfahrerin oder Mitfahrer im Auto", "Mit Bus oder Bahn",
                     "Mit dem Fahrrad oder Pedelec", "Zu Fuß"]},
        {"type": "multiple_choice",
         "text": "Was würde Sie dazu bringen, häufiger Bus, Bahn oder Rad zu nutzen? (höchstens drei Antworten)",
         "options": ["Busse auch abends und am Wochenende", "Anruf-Sammel-Taxi ohne Buchung am Vortag",
                     "Sichere Radwege zwischen den Orten", "Bessere Anschlüsse an die Regionalbahn",
                     "Mobilstation mit Carsharing und Leihrädern im Ort", "Ein Ticket und eine App für alles"],
         "settings": {"min": 1, "max": 3}},
        {"type": "scale", "text": "Wie zufrieden sind Sie mit dem Bus- und Bahnangebot an Ihrem Wohnort?",
         "settings": {"min": 1, "max": 5, "labels": {"1": "gar nicht zufrieden", "5": "sehr zufrieden"}}},
        {"type": "text", "text": "Welche Verbindung fehlt Ihnen am meisten?", "settings": {"max_length": 1000}},
    ],
}
