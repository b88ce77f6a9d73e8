"""The live server and page checks of the browser tests (used by conftest.py; no tests here).

The server runs in a thread of the test process on a free loopback port (port 0: the SQLite and the
PostgreSQL run of `make test` never collide), on its own database with the demo data loaded.
"""

import logging
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("BETEILIGUNG_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
NARROW = {"width": 320, "height": 720}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def missing_tools():
    """Why the browser tests cannot run here, or None."""
    reasons = []
    if not os.path.exists(CHROMIUM):
        reasons.append(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reasons.append("Playwright for Python is not installed (make install-test)")
    if not AXE_PATH.exists():
        reasons.append(f"axe-core is not installed at {AXE_PATH.relative_to(ROOT)} (npm ci)")
    return "; ".join(reasons) or None


def postgres_browser_url(test_url):
    """A database of its own next to TEST_DATABASE_URL's (the core fixtures drop that one's schema)."""
    parts = urlsplit(test_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = parts.path.lstrip("/") + "_browser"
    engine = create_engine(urlunsplit(parts), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    url = urlunsplit(parts._replace(path="/" + name))

    def drop():
        engine = create_engine(urlunsplit(parts), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return url, drop


class LiveServer:
    """The app with the demo data (every installed plugin enabled in its region), served in a thread."""

    def __init__(self, database_url, instance_path):
        from beteiligung import create_app
        from beteiligung.testing.fixtures import make_test_config

        # A real browser posts real forms: CSRF stays on. TESTING off, so errors render as pages.
        config = make_test_config(database_url, TESTING=False, WTF_CSRF_ENABLED=True)
        config.pop("BETEILIGUNG_PLUGINS", None)
        self.app = create_app(config)
        self.app.instance_path = str(instance_path)
        self.errors = []
        from flask import got_request_exception

        got_request_exception.connect(self._record_error, self.app)
        self._server = None
        self._thread = None

    def _record_error(self, sender, exception, **extra):
        from flask import request

        self.errors.append(f"{request.method} {request.full_path}: {exception!r}")

    def prepare(self):
        from flask_migrate import upgrade

        from beteiligung.demo.loader import load_demo
        from beteiligung.extensions import db

        with self.app.app_context():
            upgrade(revision="heads")
            load_demo()
            db.session.commit()
            db.session.remove()

    def start(self):
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request in the test output
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="live-server", daemon=True)
        self._thread.start()

    def stop(self):
        from beteiligung.extensions import db

        if self._server is not None:
            self._server.shutdown()
            self._thread.join(10)
            self._server.server_close()
        with self.app.app_context():
            db.engine.dispose()

    def query(self, fn):
        """Run fn() inside an app context (to look up ids of the demo data, or check what a journey wrote)."""
        from beteiligung.extensions import db

        with self.app.app_context():
            try:
                return fn()
            finally:
                db.session.remove()


# One evaluate per page: axe (WCAG 2.1 A/AA), then what is wider than the viewport, then every radio
# button and checkbox that does not stand on one line with its label (or whose label is bold, or
# whose text is not clickable). axe is injected by a separate evaluate (the page's CSP forbids
# inline scripts; evaluate is not subject to it).
CHECK_PAGE_JS = """
async (tags) => {
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    else if (el.classList.length) s += '.' + [...el.classList].join('.');
    const txt = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    return txt ? s + ' "' + txt + '"' : s;
  };
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  const violations = result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\\s+/g, ' '))
  }));

  const vw = document.documentElement.clientWidth;
  // Whether an ancestor that clips el's overflow holds it (an absolutely positioned element is
  // clipped only by ancestors from its containing block upwards).
  const clipped = (el) => {
    let needPositioned = el.nodeType === 1 && getComputedStyle(el).position === 'absolute';
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const st = getComputedStyle(p);
      if (needPositioned && st.position === 'static') continue;
      if (st.overflowX !== 'visible') return true;
      needPositioned = st.position === 'absolute';
    }
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.position === 'fixed') continue;
    if (r.right > vw + 1 && !clipped(el)) wide.push(describe(el) + ' right=' + Math.round(r.right));
  }
  // Text that runs out of its box (a long word, a URL) does not widen the box itself.
  const textWalker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const textRange = document.createRange();
  while (textWalker.nextNode()) {
    const node = textWalker.currentNode;
    if (!node.textContent.trim() || !node.parentElement) continue;
    textRange.selectNodeContents(node);
    const r = textRange.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 1 && !clipped(node.parentElement) && !clipped(node)) {
      wide.push('text "' + node.textContent.trim().slice(0, 40) + '" in ' + describe(node.parentElement).split(' ')[0] +
                ' right=' + Math.round(r.right));
    }
  }
  const scrollWidth = document.documentElement.scrollWidth;

  const badChoices = [];
  for (const input of document.querySelectorAll('input[type=radio], input[type=checkbox]')) {
    const ir = input.getBoundingClientRect();
    if (ir.width === 0 || getComputedStyle(input).visibility === 'hidden') continue;
    const label = input.labels && input.labels[0];
    if (!label) { badChoices.push(describe(input) + ': no label'); continue; }
    const range = document.createRange();
    const texts = [];
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;  // text shown only to screen readers does not count
      if (node.textContent.trim() && node.parentElement.getBoundingClientRect().width > 1) texts.push(node);
    }
    if (!texts.length) { badChoices.push(describe(input) + ': label not shown ' + describe(label)); continue; }
    range.selectNodeContents(texts[0]);
    const first = [...range.getClientRects()].find(r => r.width > 0);
    if (!first) { badChoices.push(describe(input) + ': label text not shown'); continue; }
    const sameLine = ir.top < first.bottom && ir.bottom > first.top;
    const besides = ir.right <= first.left + 1;
    if (!sameLine || !besides) {
      const where = (r) => Math.round(r.left) + ',' + Math.round(r.top);
      badChoices.push(describe(input) + ' not beside its label ' + describe(label) +
                      ' (input at ' + where(ir) + ', its text at ' + where(first) + ')');
    }
    const weight = parseInt(getComputedStyle(label).fontWeight, 10);
    if (weight > 500) badChoices.push(describe(input) + ': label is bold (' + weight + ')');
    const hit = document.elementFromPoint(first.left + Math.min(first.width / 2, 20), (first.top + first.bottom) / 2);
    const clickable = hit && (hit === label || label.contains(hit));
    const inView = first.top >= 0 && first.bottom <= window.innerHeight;
    if (inView && !clickable) badChoices.push(describe(input) + ': label text is covered');
  }
  return {violations, wide: wide.slice(0, 15), scrollWidth, viewport: vw, badChoices};
}
"""


class AxeScript(str):
    """axe-core's source; short in pytest's tracebacks."""

    def __repr__(self):
        return "<axe-core script>"


def check_page(page, axe_source):
    """axe + width + label checks of the page as it is now; returns a list of problems (empty: fine)."""
    page.evaluate(axe_source)
    found = page.evaluate(CHECK_PAGE_JS, AXE_TAGS)
    problems = []
    for v in found["violations"]:
        problems.append(f"axe {v['id']} ({v['impact']}): {v['help']}\n      " + "\n      ".join(v["nodes"]))
    if found["scrollWidth"] > found["viewport"] or found["wide"]:
        problems.append(f"wider than the {found['viewport']} px viewport (page {found['scrollWidth']} px): "
                        + "; ".join(found["wide"]))
    problems += ["choice: " + line for line in found["badChoices"]]
    return problems
