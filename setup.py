"""Build step of the core's wheel; all metadata is in setup.cfg.

The project keeps ``templates/`` and ``migrations/`` at the top level of the checkout (its required
layout). An installed core has no checkout, so ``build_py`` copies both folders into the package
(``beteiligung/templates``, ``beteiligung/migrations``) and compiles the translation catalogues
(``.po`` → ``.mo``). At run time ``beteiligung.config`` looks inside the package first and falls
back to the checkout (editable installs and ``make run``).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("templates", "migrations")


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders
        package = Path(self.build_lib) / "beteiligung"
        for name in BUNDLED:
            target = package / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(HERE / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.py[co]"))
        self._compile_catalogues(package / "translations")

    def _compile_catalogues(self, folder):
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        for po in sorted(folder.glob("*/LC_MESSAGES/*.po")):
            with po.open("rb") as source:
                catalogue = read_po(source, locale=po.parent.parent.name)
            with po.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalogue)


setup(cmdclass={"build_py": BuildWithData})
