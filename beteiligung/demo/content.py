"""The demo content, read from the TOML files in ``data/`` (data only; the loader gives it meaning).

- ``data/regions.toml``: the model regions;
- ``data/citizens.toml``: the demo citizens (all invented);
- ``data/consultations/<region slug>.toml``: each region's consultations with comments, replies and
  votes (the fields are described at the top of each file);
- ``data/polls.toml``: the demo polls and how citizens answer them;
- ``data/processes.toml``: one participation process per region on the workshop path;
- ``data/history.toml``: 18 months of earlier consultations and polls, the generated participants and the
  sentence parts their comments are made of (read by ``history.py``).
"""

import tomllib
from pathlib import Path

DATA = Path(__file__).parent / "data"


def read(name):
    """One data file (a path below ``data/``) as a dict."""
    with (DATA / name).open("rb") as file:
        return tomllib.load(file)


REGIONS = read("regions.toml")["regions"]
CITIZENS = read("citizens.toml")["citizens"]
# In the order of the regions; a region without a file has no demo consultations.
CONSULTATIONS = [dict(consultation, region=region["slug"])
                 for region in REGIONS if (DATA / "consultations" / f"{region['slug']}.toml").is_file()
                 for consultation in read(f"consultations/{region['slug']}.toml")["consultations"]]
POLLS = read("polls.toml")["polls"]
PROCESSES = read("processes.toml")["processes"]
