"""Mutation testing of a few core modules, each against its own tests (``make mutation``).

    python tests/mutation/run.py                 # every module in modules.toml
    python tests/mutation/run.py markup charts   # some of them
    python tests/mutation/run.py --show markup   # and print the diff of every unexplained survivor

For each module the project is copied into ``.mutation/<name>/`` (the checkout is never touched),
a mutmut 3 ``[tool.mutmut]`` section is written into the copy's ``pyproject.toml`` that mutates only
that module and runs only its test file, and ``mutmut run`` works there (its own ``mutants/``
folder inside the copy). The result of every mutant is read from mutmut's ``.meta`` file.

Killed % = (killed + timeout) / (mutants - equivalent survivors). A timeout counts as killed: the
test run did not pass. Equivalent survivors are the mutant names listed in
``docs/mutation-survivors.md``; a listed mutant that is killed, or that no longer exists, is reported
as a stale entry (the list must be updated, the name may now point at another change). Every other
survivor, a mutant without tests and a "suspicious" one count as not killed.

Exits 1 if any module is below the threshold in modules.toml or mutmut itself fails.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CONFIG = HERE / "modules.toml"
SURVIVORS = ROOT / "docs" / "mutation-survivors.md"
WORK = ROOT / ".mutation"
# What a copy needs: the package, its tests, and what the app reads next to the package.
COPIED = ("beteiligung", "tests", "templates", "migrations", "setup.cfg", "pyproject.toml")
MUTANT_NAME = re.compile(r"`(beteiligung\.[A-Za-z0-9_.]+__mutmut_\d+)`")
# mutmut's exit codes of a mutant's test run (mutmut/stats.py), grouped as this script counts them.
KILLED = {1: "killed", 3: "killed", 36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout"}
NOT_KILLED = {0: "survived", 5: "no tests", 33: "no tests"}


def load_config():
    with CONFIG.open("rb") as handle:
        return tomllib.load(handle)


def equivalent_mutants():
    """Mutant names (in backticks) in the section "## Equivalent mutants" of docs/mutation-survivors.md.

    Other sections (survivors that are not equivalent, kept for the record) do not excuse anything.
    """
    if not SURVIVORS.exists():
        return set()
    text = SURVIVORS.read_text(encoding="utf-8")
    section = re.search(r"^## Equivalent mutants\b.*?(?=^## |\Z)", text, re.M | re.S)
    return set(MUTANT_NAME.findall(section.group(0))) if section else set()


def mutmut_section(module):
    lines = [
        "",
        "[tool.mutmut]",
        'source_paths = ["beteiligung"]',
        f"only_mutate = {json.dumps([module['source']])}",
        'also_copy = ["templates", "migrations"]',
        f"pytest_add_cli_args_test_selection = {json.dumps(list(module['tests']))}",
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]',
        "use_git_change_detection = false",
        "",
    ]
    return "\n".join(lines)


def prepare(name, module):
    """A fresh copy of the project in .mutation/<name> with the module's mutmut section."""
    work = WORK / name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "mutation")
    for entry in COPIED:
        source = ROOT / entry
        if source.is_dir():
            shutil.copytree(source, work / entry, ignore=ignore)
        else:
            shutil.copy2(source, work / entry)
    for path in (module["source"], *module["tests"]):
        if not (work / path).exists():
            raise SystemExit(f"{name}: {path} does not exist")
    pyproject = work / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    if "[tool.mutmut]" in text:
        raise SystemExit("pyproject.toml already has a [tool.mutmut] section; the runner writes its own")
    pyproject.write_text(text + mutmut_section(module), encoding="utf-8")
    return work


def mutmut_executable():
    candidate = Path(sys.executable).with_name("mutmut")
    if candidate.exists():
        return str(candidate)
    found = shutil.which("mutmut")
    if found is None:
        raise SystemExit("mutmut is not installed (pip install -c requirements/constraints.txt mutmut)")
    return found


def run_mutmut(work, max_children):
    log = work / "mutmut.log"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("BETEILIGUNG_TEST_DB", None)  # SQLite: the modules' own tests need no server
    env.pop("TEST_DATABASE_URL", None)
    with log.open("w", encoding="utf-8") as out:
        command = [mutmut_executable(), "run", "--max-children", str(max_children)]
        result = subprocess.run(command, cwd=work, stdout=out, stderr=subprocess.STDOUT, env=env,  # noqa: S603
                                check=False)
    return result.returncode, log


def results(work, module):
    meta = work / "mutants" / (module["source"] + ".meta")
    if not meta.exists():
        return None
    data = json.loads(meta.read_text(encoding="utf-8"))
    return data.get("exit_code_by_key", {})


def summarise(name, module, codes, equivalent):
    killed = [key for key, code in codes.items() if code in KILLED]
    timeouts = [key for key, code in codes.items() if KILLED.get(code) == "timeout"]
    survivors = sorted(key for key, code in codes.items() if code not in KILLED)
    listed = {key for key in equivalent if key.startswith(_module_prefix(module["source"]))}
    excused = sorted(key for key in survivors if key in listed)
    stale = sorted(key for key in listed if key not in survivors)
    unexplained = [key for key in survivors if key not in listed]
    counted = len(codes) - len(excused)
    share = 100.0 * len(killed) / counted if counted else 100.0
    return {
        "name": name,
        "source": module["source"],
        "total": len(codes),
        "killed": len(killed),
        "timeouts": len(timeouts),
        "equivalent": len(excused),
        "unexplained": unexplained,
        "statuses": {key: NOT_KILLED.get(codes[key], "suspicious") for key in unexplained},
        "stale": stale,
        "share": share,
    }


def _module_prefix(source):
    return source.removesuffix(".py").replace("/", ".") + "."


def show_diffs(work, names):
    for mutant in names:
        subprocess.run([mutmut_executable(), "show", mutant], cwd=work, check=False)  # noqa: S603


def main(argv=None):
    config = load_config()
    modules = config["modules"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="MODULE",
                        help=f"modules to test (default: all of {', '.join(modules)})")
    parser.add_argument("--max-children", type=int, default=int(os.environ.get("MUTATION_JOBS", "2")),
                        help="parallel test processes per module (default 2, env MUTATION_JOBS)")
    parser.add_argument("--show", action="store_true", help="print the diff of every unexplained survivor")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in modules]
    if unknown:
        parser.error(f"unknown module {', '.join(unknown)}; known: {', '.join(modules)}")
    threshold = float(config.get("threshold", 85))
    equivalent = equivalent_mutants()
    failed = False
    rows = []
    for name in args.names or list(modules):
        module = modules[name]
        started = time.monotonic()
        work = prepare(name, module)
        code, log = run_mutmut(work, args.max_children)
        codes = results(work, module)
        seconds = time.monotonic() - started
        if code != 0 or not codes:
            print(f"{name}: mutmut failed (exit {code}); see {log.relative_to(ROOT)}", file=sys.stderr)
            print("".join(log.read_text(encoding="utf-8", errors="replace").splitlines(True)[-30:]), file=sys.stderr)
            failed = True
            continue
        row = summarise(name, module, codes, equivalent)
        row["seconds"] = seconds
        rows.append(row)
        ok = row["share"] >= threshold
        failed = failed or not ok
        verdict = "OK" if ok else f"BELOW {threshold:g} %"
        print(f"{name:<18} {row['source']:<36} {row['share']:6.1f} % killed "
              f"({row['killed']} of {row['total'] - row['equivalent']}; {row['timeouts']} by timeout; "
              f"{row['equivalent']} equivalent left out) in {seconds:.0f} s {verdict}")
        for mutant in row["unexplained"]:
            print(f"    not killed ({row['statuses'][mutant]}): {mutant}")
        for mutant in row["stale"]:
            print(f"    stale entry in docs/mutation-survivors.md (killed or gone): {mutant}")
        if row["unexplained"]:
            print(f"    diffs: cd {work.relative_to(ROOT)} && mutmut show NAME")
        if args.show:
            show_diffs(work, row["unexplained"])
    if rows:
        total = sum(row["seconds"] for row in rows)
        print(f"{len(rows)} module(s) in {total:.0f} s; threshold {threshold:g} %")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
