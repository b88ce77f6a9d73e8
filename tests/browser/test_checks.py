"""The page checks themselves: on a page made to break each rule, each check reports it (so a green
page test means something), and on a page that keeps the rules, none does."""

from browser_support import check_page

BROKEN = """<!doctype html><html lang="de"><head><title>Kaputt</title>
<style>
  form.stack label { display: block; font-weight: 600; }
  .wide { width: 600px; }
</style></head><body><main>
<h1>Kaputt</h1>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<form class="stack">
  <p><input type="text" id="unlabelled"></p>
  <p><input type="checkbox" id="zustimmung"> <label for="zustimmung">Ich stimme zu</label></p>
</form>
<div class="wide">Zu breit</div>
</main></body></html>"""

FINE = """<!doctype html><html lang="de"><head><title>Gut</title>
<style>
  .choice { display: flex; gap: .5rem; }
  .choice label { font-weight: normal; }
  .scroll { overflow-x: auto; }
  table { width: 600px; }
</style></head><body><main>
<h1>Gut</h1>
<form><p class="choice"><input type="radio" id="a" name="x"><label for="a">Ja</label></p>
<p class="choice"><input type="radio" id="b" name="x"><label for="b">Nein</label></p></form>
<div class="scroll" role="region" tabindex="0" aria-label="Tabelle">
  <table><tr><th scope="col">Spalte</th></tr><tr><td>Wert</td></tr></table></div>
</main></body></html>"""


def test_checks_report_each_broken_rule(open_page, axe_source):
    page = open_page()
    page.set_content(BROKEN)
    problems = "\n".join(check_page(page, axe_source))
    assert "axe image-alt" in problems
    assert "axe label" in problems
    assert "wider than the 320 px viewport" in problems and "div.wide" in problems
    assert "input#zustimmung not beside its label" in problems
    assert "input#zustimmung: label is bold" in problems


def test_checks_pass_a_page_that_keeps_the_rules(open_page, axe_source):
    page = open_page()
    page.set_content(FINE)
    assert check_page(page, axe_source) == []
