"""Online services of the city of Paderborn, for the demo and as a starting catalogue.

The links point at the city's website as examples; operators check them before going live.
"""

from datetime import date

SERVICES = [
    {"name": "Termin im Bürgerbüro buchen", "department": "Bürgerbüro", "online_since": date(2019, 6, 3),
     "url": "https://www.paderborn.de/buergerservice/termine",
     "description": "Termine für Personalausweis, Reisepass, Meldebescheinigung und weitere Anliegen im "
                    "Bürgerbüro am Marienplatz online reservieren."},
    {"name": "Anwohnerparkausweis online beantragen", "department": "Ordnungsamt",
     "online_since": date(2021, 3, 1), "url": "https://www.paderborn.de/buergerservice/anwohnerparken",
     "description": "Den Bewohnerparkausweis für Ihre Parkzone beantragen, online bezahlen und bequem per "
                    "Post erhalten."},
    {"name": "Sperrmüll anmelden", "department": "Abfallberatung (ASP)", "online_since": date(2018, 1, 15),
     "url": "https://www.paderborn.de/asp/sperrmuell",
     "description": "Abholtermin für Sperrmüll, Elektrogroßgeräte und Altholz beim Abfallentsorgungs- und "
                    "Stadtreinigungsbetrieb (ASP) anmelden."},
    {"name": "Wunschkennzeichen reservieren", "department": "Straßenverkehrsamt",
     "online_since": date(2016, 9, 1), "url": "https://www.paderborn.de/buergerservice/wunschkennzeichen",
     "description": "Ein freies PB-Kennzeichen aussuchen und bis zur Zulassung reservieren."},
    {"name": "Hundesteuer an- und abmelden", "department": "Steueramt", "online_since": date(2020, 7, 1),
     "url": "https://www.paderborn.de/buergerservice/hundesteuer",
     "description": "Ihren Hund zur Hundesteuer anmelden oder abmelden, zum Beispiel nach einem Umzug."},
    {"name": "Mängelmelder", "department": "Straßen- und Brückenbauamt", "online_since": date(2017, 5, 2),
     "url": "https://www.paderborn.de/maengelmelder",
     "description": "Schlaglöcher, defekte Straßenlaternen oder wilde Müllablagerungen mit Foto und Ort "
                    "melden und den Bearbeitungsstand verfolgen."},
    {"name": "Gewerbe an-, um- oder abmelden", "department": "Ordnungsamt", "online_since": date(2020, 10, 1),
     "url": "https://www.paderborn.de/buergerservice/gewerbe",
     "description": "Gewerbeanzeigen elektronisch einreichen; die Bestätigung kommt per E-Mail."},
    {"name": "Wohnsitz ummelden", "department": "Bürgerbüro", "online_since": date(2024, 2, 1),
     "url": "https://www.paderborn.de/buergerservice/ummelden",
     "description": "Nach einem Umzug innerhalb Deutschlands die neue Wohnung mit der Online-Ausweisfunktion "
                    "anmelden – ohne Termin im Bürgerbüro."},
    {"name": "Straßenfest anmelden (Sondernutzung)", "department": "Straßen- und Brückenbauamt",
     "online_since": date(2022, 5, 2), "url": "https://www.paderborn.de/buergerservice/sondernutzung",
     "description": "Eine Sondernutzungserlaubnis für Straßenfeste, Infostände oder Baugerüste beantragen."},
    {"name": "Kita-Platz vormerken", "department": "Jugendamt", "online_since": date(2019, 11, 4),
     "url": "https://www.paderborn.de/kita-vormerkung",
     "description": "Ihr Kind für einen Platz in einer Paderborner Kindertageseinrichtung vormerken lassen."},
    {"name": "Wohngeld beantragen", "department": "Amt für Soziales und Wohnen", "online_since": date(2023, 1, 2),
     "url": "https://www.paderborn.de/buergerservice/wohngeld",
     "description": "Den Antrag auf Wohngeld online stellen und Nachweise hochladen."},
    {"name": "Urkunden beim Standesamt bestellen", "department": "Standesamt", "online_since": date(2020, 2, 3),
     "url": "https://www.paderborn.de/standesamt/urkunden",
     "description": "Geburts-, Ehe- und Sterbeurkunden aus den Paderborner Registern bestellen."},
    {"name": "Briefwahl beantragen", "department": "Wahlamt", "online_since": date(2020, 8, 10),
     "url": "https://www.paderborn.de/wahlen/briefwahl",
     "description": "Vor jeder Wahl die Briefwahlunterlagen online anfordern."},
    {"name": "Fundsachen suchen", "department": "Fundbüro im Bürgerbüro", "online_since": date(2018, 4, 9),
     "url": "https://www.paderborn.de/buergerservice/fundbuero",
     "description": "Im Fundbüro abgegebene Gegenstände online suchen und als Ihr Eigentum melden."},
]
