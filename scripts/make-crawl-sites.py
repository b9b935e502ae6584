#!/usr/bin/env python3
"""Writes the fixture web's two crawl-test sites into fixtures/web/ (checked in; run again after a change):

    python3 scripts/make-crawl-sites.py

- www.nieuwsrijk-zorg.nl: the medical pages are three links deep, behind fifty news items linked from
  the home page. A breadth-first crawl with a budget of ten pages sees only news; a medical-first crawl
  follows the links whose words look medical and finds them.
- www.agenda-val.nl: crawler traps. An endless calendar (every month links to the next), a faceted search
  whose every page links to more filter combinations, links that grow the path on every visit, and
  session ids in links. The links are written by script, as on real sites, so there is no end to them.
  The crawl must stay within its trap bounds and still reach the site's ordinary pages.

Every page and text here is written for pixelaudit's tests.
"""
import html
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "fixtures", "web")
spec = importlib.util.spec_from_file_location("sites", os.path.join(HERE, "make-fixture-sites.py"))
sites = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sites)

PLACES = ["Zwolle", "Deventer", "Almelo", "Hengelo", "Enschede", "Apeldoorn", "Kampen", "Meppel", "Assen", "Emmen"]
TOPICS = ["Nieuwe vestiging geopend in {}", "Langere openingstijden in {}", "Parkeren wordt makkelijker in {}",
          "Vrijwilligers gezocht in {}", "Open dag in {}"]


def page_html(title, body):
    return f"""<!doctype html>
<html lang="nl">
<head><meta charset="utf-8"><title>{html.escape(title)}</title></head>
<body>
  <header><strong>Nieuwsrijk Zorg</strong></header>
  <main>
    <h1>{html.escape(title)}</h1>
{body}
  </main>
</body>
</html>
"""


def deep_site():
    host = "www.nieuwsrijk-zorg.nl"
    items = []
    for n in range(1, 51):
        title = TOPICS[n % len(TOPICS)].format(PLACES[n % len(PLACES)]) + f" ({n})"
        items.append((f"/nieuws/bericht-{n}/", title))
        sites.write(os.path.join(ROOT, host, "nieuws", f"bericht-{n}", "index.html"),
                    page_html(title, f"    <p>{html.escape(title)}. Lees het hele bericht in onze nieuwsbrief.</p>\n"
                                     '    <p><a href="/">Terug naar de voorpagina</a></p>'))
    news = "\n".join(f'    <p><a href="{path}">{html.escape(title)}</a></p>' for path, title in items)
    sites.write(os.path.join(ROOT, host, "index.html"), page_html(
        "Nieuwsrijk Zorg", "    <p>Het laatste nieuws van Nieuwsrijk Zorg.</p>\n" + news +
        '\n    <p><a href="/klantenservice/">Klantenservice en vergoedingen</a></p>'))
    sites.write(os.path.join(ROOT, host, "klantenservice", "index.html"), page_html(
        "Klantenservice", "    <p>Hoe kunnen wij u helpen?</p>\n"
        '    <p><a href="/klantenservice/vergoedingen/">Behandelingen die wij vergoeden</a></p>\n'
        '    <p><a href="/klantenservice/adreswijziging/">Adres wijzigen</a></p>'))
    # robots.txt keeps crawlers out of the address form; pixelaudit obeys it unless told otherwise.
    sites.write(os.path.join(ROOT, host, "robots.txt"), "User-agent: *\nDisallow: /klantenservice/adreswijziging/\n")
    sites.write(os.path.join(ROOT, host, "klantenservice", "adreswijziging", "index.html"), page_html(
        "Adres wijzigen", "    <p>Geef uw nieuwe adres door in Mijn Nieuwsrijk.</p>"))
    sites.write(os.path.join(ROOT, host, "klantenservice", "vergoedingen", "index.html"), page_html(
        "Behandelingen die wij vergoeden", "    <p>Kies een behandeling.</p>\n"
        '    <p><a href="/klantenservice/vergoedingen/ivf-behandeling/">IVF-behandeling en vruchtbaarheid</a></p>\n'
        '    <p><a href="/klantenservice/vergoedingen/depressie/">Psycholoog bij depressie</a></p>'))
    sites.write(os.path.join(ROOT, host, "klantenservice", "vergoedingen", "ivf-behandeling", "index.html"), page_html(
        "Vergoeding IVF-behandeling", "    <p>De basisverzekering vergoedt de eerste drie IVF-pogingen. "
        "Voor een vruchtbaarheidsbehandeling heeft u een verwijzing van de gynaecoloog nodig.</p>"))
    sites.write(os.path.join(ROOT, host, "klantenservice", "vergoedingen", "depressie", "index.html"), page_html(
        "Psycholoog bij depressie", "    <p>Behandeling van een depressie door een psycholoog valt onder de "
        "basisverzekering. U heeft een verwijzing van de huisarts nodig.</p>"))


TRAP_SCRIPT = """<script>
  // Written by script, as calendars and filters on real sites are: there is always a next link.
  (function () {
    var out = document.getElementById('links');
    function link(href, text) { var p = document.createElement('p'); var a = document.createElement('a'); a.href = href; a.textContent = text; p.appendChild(a); out.appendChild(p); }
    var path = location.pathname, q = new URLSearchParams(location.search);
    var m = path.match(/^\\/agenda\\/(\\d+)\\/(\\d+)\\/$/);
    if (m) {
      var y = +m[1], mo = +m[2] + 1; if (mo > 12) { mo = 1; y++; }
      link('/agenda/' + y + '/' + mo + '/', 'Volgende maand');
    }
    if (path === '/producten/') {
      ['kleur', 'maat', 'merk', 'prijs', 'sortering', 'pagina'].forEach(function (facet, i) {
        var next = new URLSearchParams(q); next.set(facet, String((+(q.get(facet) || 0)) + 1 + i));
        link('/producten/?' + next.toString(), 'Filter ' + facet);
      });
    }
    if (path.indexOf('/archief/') === 0) link('archief/', 'Ouder archief');
    var sid = Math.random().toString(36).slice(2);
    link('/over-ons/;jsessionid=' + sid, 'Over ons');
    link('/contact/?sid=' + sid + '&utm_source=menu', 'Contact');
  })();
</script>"""


def trap_site():
    host = "www.agenda-val.nl"
    # One page serves every trap URL; its script writes the links that lead further in.
    trap = page_html("Agenda en producten", '    <div id="links"></div>\n' + TRAP_SCRIPT)
    sites.write(os.path.join(ROOT, host, "trap.html"), trap)
    sites.write(os.path.join(ROOT, host, "index.html"), page_html(
        "Agenda-val", '    <p>Welkom.</p>\n'
        '    <p><a href="/agenda/2026/1/">Agenda</a></p>\n'
        '    <p><a href="/producten/">Producten</a></p>\n'
        '    <p><a href="/archief/">Archief</a></p>\n'
        '    <div id="links"></div>\n' + TRAP_SCRIPT))
    for path, title in (("over-ons", "Over ons"), ("contact", "Contact")):
        sites.write(os.path.join(ROOT, host, path, "index.html"), page_html(title, f"    <p>{title}.</p>"))
    sites.write(os.path.join(ROOT, host, "_host.toml"), """# Crawler traps: every /agenda/, /producten/ and /archief/ URL serves one page whose script links further in.
[[route]]
path = "/agenda/*"
body = "file:trap.html"
content_type = "text/html; charset=utf-8"

[[route]]
path = "/producten/*"
body = "file:trap.html"
content_type = "text/html; charset=utf-8"

[[route]]
path = "/archief/*"
body = "file:trap.html"
content_type = "text/html; charset=utf-8"
""")


if __name__ == "__main__":
    deep_site()
    trap_site()
    print("wrote www.nieuwsrijk-zorg.nl (50 news items, medical pages 3 links deep) and www.agenda-val.nl (traps)")
