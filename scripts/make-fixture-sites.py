#!/usr/bin/env python3
"""Writes the fixture web's health-care sites into fixtures/web/ from the templates below.

The output is checked in; run this again after changing a template:

    python3 scripts/make-fixture-sites.py

Every page, text and snippet here is written for pixelaudit's tests. The tracker snippets load the
mock tracker scripts in fixtures/web/<tracker host>/, which speak the wire formats of shared/WIRE.md.
"""
import html
import os
import textwrap

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "web")


# --- tracker snippets -------------------------------------------------------------------------

def meta_pixel(pixel_id, event=None):
    track = ""
    if event:
        name, data = event
        props = ", ".join(f"{k}: {js(v)}" for k, v in data.items())
        track = f"\n  fbq('track', {js(name)}, {{ {props} }});"
    return f"""<script>
  !function (w, d) {{
    if (w.fbq) return;
    var n = w.fbq = function () {{ n.callMethod ? n.callMethod.apply(n, arguments) : n.queue.push(arguments); }};
    n.queue = []; n.loaded = true; n.version = '2.0';
    var s = d.createElement('script'); s.async = true; s.src = 'https://connect.facebook.net/en_US/fbevents.js';
    d.head.appendChild(s);
  }}(window, document);
  fbq('init', '{pixel_id}');
  fbq('track', 'PageView');{track}
</script>
<noscript><img height="1" width="1" style="display:none" alt="" src="https://www.facebook.com/tr?id={pixel_id}&amp;ev=PageView&amp;noscript=1"></noscript>"""


def gtag(measurement_id, event=None):
    extra = ""
    if event:
        name, data = event
        props = ", ".join(f"{k}: {js(v)}" for k, v in data.items())
        extra = f"\n  gtag('event', {js(name)}, {{ {props} }});"
    return f"""<script async src="https://www.googletagmanager.com/gtag/js?id={measurement_id}"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag() {{ dataLayer.push(arguments); }}
  gtag('js', new Date());
  gtag('config', '{measurement_id}');{extra}
</script>"""


def gtm(container):
    return f"""<script>
  (function (w, d, id) {{
    w.dataLayer = w.dataLayer || [];
    var s = d.createElement('script'); s.async = true; s.src = 'https://www.googletagmanager.com/gtm.js?id=' + id;
    d.head.appendChild(s);
  }})(window, document, '{container}');
</script>"""


def linkedin(partner_id):
    return f"""<script>
  window._linkedin_partner_id = '{partner_id}';
  (function (d) {{
    var s = d.createElement('script'); s.async = true; s.src = 'https://snap.licdn.com/li.lms-analytics/insight.min.js';
    d.head.appendChild(s);
  }})(document);
</script>"""


def tiktok(code, event=None):
    track = ""
    if event:
        name, data = event
        props = ", ".join(f"{k}: {js(v)}" for k, v in data.items())
        track = f"\n  ttq.track({js(name)}, {{ {props} }});"
    return f"""<script>
  window.ttq = window.ttq || [];
  ['load', 'page', 'track'].forEach(function (m) {{ ttq[m] = function () {{ ttq.push([m].concat([].slice.call(arguments))); }}; }});
  ttq.load('{code}');
  ttq.page();{track}
  (function (d) {{
    var s = d.createElement('script'); s.async = true; s.src = 'https://analytics.tiktok.com/i18n/pixel/events.js?sdkid={code}&lib=ttq';
    d.head.appendChild(s);
  }})(document);
</script>"""


def hotjar(site_id):
    return f"""<script>
  (function (d) {{
    var s = d.createElement('script'); s.async = true; s.src = 'https://static.hotjar.com/c/hotjar-{site_id}.js?sv=6';
    d.head.appendChild(s);
  }})(document);
</script>"""


def clarity(project):
    return f"""<script>
  (function (d) {{
    var s = d.createElement('script'); s.async = true; s.src = 'https://www.clarity.ms/tag/{project}';
    d.head.appendChild(s);
  }})(document);
</script>"""


def bing_uet(tag_id):
    return f"""<script src="https://bat.bing.com/bat.js"></script>
<script>
  window.uetq = new UET({{ ti: '{tag_id}' }});
  window.uetq.pageLoad();
</script>"""


def facebook_like(page_url):
    from urllib.parse import quote
    src = "https://www.facebook.com/plugins/like.php?href=" + quote(page_url, safe="") + "&layout=button_count&width=120"
    return f'<iframe title="Facebook" src="{html.escape(src)}" width="160" height="28" style="border:none;overflow:hidden"></iframe>'


def youtube(video):
    return f'<iframe title="Video" width="480" height="270" src="https://www.youtube.com/embed/{video}" style="border:0" allowfullscreen></iframe>'


def self_hosted_analytics(stats_host):
    return f"""<script>
  (function () {{
    var q = new URLSearchParams({{ idsite: '1', rec: '1', url: location.href, action_name: document.title }});
    navigator.sendBeacon('https://{stats_host}/matomo.php?' + q.toString());
  }})();
</script>"""


def server_side_tagging(host, measurement_id):
    """GA4's payload format sent to the site's own subdomain: server-side tagging, hidden behind a first-party name."""
    return f"""<script>
  (function () {{
    var q = new URLSearchParams({{ v: '2', tid: '{measurement_id}', cid: '555.666', en: 'page_view', dl: location.href, dt: document.title }});
    navigator.sendBeacon('https://{host}/g/collect?' + q.toString());
  }})();
</script>"""


def contact_form():
    return """<form class="contactformulier" action="/contact/verstuurd/" method="post">
  <label>Naam <input type="text" name="naam"></label>
  <label>E-mail <input type="email" name="email"></label>
  <label>Telefoon <input type="tel" name="telefoon"></label>
  <label>Geboortedatum <input type="date" name="geboortedatum"></label>
  <label>Uw vraag <textarea name="vraag"></textarea></label>
  <button type="submit">Versturen</button>
</form>"""


def search_form():
    return '<form role="search" action="/zoeken/" method="get"><input type="search" name="q" aria-label="Zoeken"><button>Zoek</button></form>'


def cdn_library():
    return '<script src="https://cdn.jsdelivr.net/npm/tiny-dom@1.2.0/tiny-dom.min.js"></script>'


def first_party_storage(key):
    return f"<script>try {{ localStorage.setItem('{key}', JSON.stringify({{ seen: Date.now() }})); }} catch (e) {{}}</script>"


def js(value):
    return "'" + str(value).replace("\\", "\\\\").replace("'", "\\'") + "'"


# --- sites ------------------------------------------------------------------------------------

SITES = []


def site(host, name, kind, pages, head=(), body_end=(), static_host=None, extra_hosts=None):
    SITES.append(dict(host=host, name=name, kind=kind, pages=pages, head=list(head), body_end=list(body_end),
                      static_host=static_host, extra_hosts=extra_hosts or {}))


def page(path, title, h1, paragraphs, medical, head=(), body_end=(), hidden=False):
    return dict(path=path, title=title, h1=h1, paragraphs=paragraphs, medical=medical,
                head=list(head), body_end=list(body_end), hidden=hidden)


site(
    "www.zilverpolis.nl", "Zilverpolis Zorgverzekering", "insurer",
    static_host="static.zilverpolis.nl",
    head=[cdn_library(), '<link rel="stylesheet" href="https://static.zilverpolis.nl/css/site.css">'],
    body_end=[gtag("G-ZILVER0001"), '<script src="https://static.zilverpolis.nl/js/menu.js"></script>', search_form()],
    pages=[
        page("/", "Zilverpolis Zorgverzekering | Zorg die bij u past", "Zorgverzekering voor heel Nederland",
             ["Kies de basisverzekering en aanvullende pakketten die bij u passen.",
              "Bereken uw premie of bekijk wat wij vergoeden."], False,
             head=[meta_pixel("112233445566778")]),
        page("/vergoedingen/ivf/", "Vergoeding IVF-behandeling | Zilverpolis", "Vergoeding IVF en vruchtbaarheidsbehandeling",
             ["Wilt u zwanger worden met een IVF-behandeling? De basisverzekering vergoedt de eerste drie IVF-pogingen.",
              "Ook ICSI en een eiceltransplantatie vallen onder de vergoeding. Voor een behandeling in een vruchtbaarheidskliniek heeft u een verwijzing van de huisarts of gynaecoloog nodig."], True,
             head=[meta_pixel("112233445566778", ("ViewContent", {"content_name": "Vergoeding IVF-behandeling", "content_category": "vruchtbaarheid"}))]),
        page("/vergoedingen/fysiotherapie/", "Vergoeding fysiotherapie | Zilverpolis", "Fysiotherapie vergoeding",
             ["Vanaf de 21e behandeling vergoedt de basisverzekering fysiotherapie bij chronische aandoeningen zoals artrose, reuma en COPD.",
              "Met een aanvullende verzekering krijgt u meer behandelingen bij de fysiotherapeut vergoed."], True,
             head=[meta_pixel("112233445566778")]),
        page("/premie-berekenen/", "Premie berekenen | Zilverpolis", "Bereken uw premie",
             ["Vul uw geboortejaar en gewenste pakket in en zie direct uw maandpremie.",
              "Kies een vrijwillig eigen risico en betaal een lagere premie."], False,
             head=[meta_pixel("112233445566778")]),
        page("/contact/", "Contact | Zilverpolis", "Contact met Zilverpolis",
             ["Bel ons op werkdagen van 8.00 tot 20.00 uur.", "Of stuur ons een bericht via Mijn Zilverpolis."], False,
             head=[meta_pixel("112233445566778")]),
        page("/zoeken/", "Zoeken | Zilverpolis", "Zoekresultaten",
             ["Resultaten voor uw zoekopdracht.", "Niet gevonden wat u zocht? Neem contact met ons op."], False,
             head=[meta_pixel("112233445566778", ("Search", {"search_string": "@QUERY@"}))], hidden=True),
    ],
)

site(
    "www.ziekenhuis-rijnoever.nl", "Ziekenhuis Rijnoever", "hospital",
    head=[gtm("GTM-RIJN42")],
    pages=[
        page("/", "Ziekenhuis Rijnoever", "Welkom bij Ziekenhuis Rijnoever",
             ["Ziekenhuis Rijnoever is een algemeen ziekenhuis in de regio.", "Vind uw afdeling, maak een afspraak of bekijk de bezoektijden."], False),
        page("/afdelingen/oncologie/", "Oncologie: behandeling van kanker | Ziekenhuis Rijnoever", "Oncologie",
             ["Op de afdeling oncologie behandelen wij patiënten met borstkanker, darmkanker en longkanker.",
              "Chemotherapie en immunotherapie krijgt u op de dagbehandeling. Bekijk de video over uw eerste chemokuur."], True,
             body_end=[youtube("zorgvideo1")]),
        page("/behandelingen/staaroperatie/", "Staaroperatie | Ziekenhuis Rijnoever", "Staaroperatie (cataract)",
             ["Bij staar wordt de ooglens troebel. De oogarts vervangt de lens door een kunstlens.",
              "De operatie duurt ongeveer twintig minuten en gebeurt onder plaatselijke verdoving."], True),
        page("/bezoektijden/", "Bezoektijden | Ziekenhuis Rijnoever", "Bezoektijden",
             ["U bent welkom tussen 11.00 en 20.00 uur.", "Parkeren kan in de parkeergarage naast de hoofdingang."], False),
        page("/werken-bij/", "Werken bij Rijnoever | Ziekenhuis Rijnoever", "Werken bij Rijnoever",
             ["Bekijk onze vacatures en kom ons team versterken.", "Wij bieden een goede pensioenregeling en opleidingsmogelijkheden."], False),
    ],
)

site(
    "www.ggz-kompas.nl", "GGZ Kompas", "ggz",
    head=[hotjar(3456789)],
    pages=[
        page("/", "GGZ Kompas | Specialistische ggz", "Hulp bij psychische klachten",
             ["GGZ Kompas biedt behandeling bij depressie, angst en trauma.", "Aanmelden kan met een verwijzing van de huisarts."], True,
             head=[tiktok("CPIXELAUDIT01")]),
        page("/behandelingen/depressie/", "Behandeling depressie | GGZ Kompas", "Depressie behandelen",
             ["Bij een depressie voelt u zich langere tijd somber en lusteloos.",
              "Wij behandelen depressie met cognitieve gedragstherapie en, waar nodig, antidepressiva."], True,
             head=[tiktok("CPIXELAUDIT01", ("ViewContent", {"content_name": "Behandeling depressie"}))]),
        page("/behandelingen/angststoornis/", "Angststoornis en paniekaanvallen | GGZ Kompas", "Angststoornis",
             ["Heeft u last van paniekaanvallen of een gegeneraliseerde angststoornis?",
              "Met exposuretherapie en EMDR leert u de angst te verminderen."], True,
             head=[tiktok("CPIXELAUDIT01")]),
        page("/aanmelden/", "Aanmelden | GGZ Kompas", "Aanmelden voor behandeling",
             ["Meld u aan met de verwijsbrief van uw huisarts.", "Wij nemen binnen vijf werkdagen contact met u op voor een intakegesprek."], True,
             head=[tiktok("CPIXELAUDIT01")]),
        page("/over-ons/", "Over ons | GGZ Kompas", "Over GGZ Kompas",
             ["GGZ Kompas werkt met psychiaters, psychologen en verpleegkundig specialisten.", "Ons jaarverslag staat op deze pagina."], True,
             head=[tiktok("CPIXELAUDIT01")]),
    ],
)

site(
    "www.duinzorg-verzekeringen.nl", "Duinzorg Verzekeringen", "insurer",
    head=[clarity("duinzorg7"), bing_uet("187654321")],
    body_end=[server_side_tagging("sst.duinzorg-verzekeringen.nl", "G-DUINZ01")],
    extra_hosts={"sst.duinzorg-verzekeringen.nl": """# Server-side tagging on the site's own subdomain: GA4's format behind a first-party name.
[[route]]
path = "/g/collect"
status = 204
"""},
    pages=[
        page("/", "Duinzorg Verzekeringen", "Duinzorg: uw zorgverzekeraar aan de kust",
             ["Bekijk onze pakketten en vergoedingen.", "Volg ons ook op Facebook."], False,
             body_end=[facebook_like("https://www.duinzorg-verzekeringen.nl/")]),
        page("/vergoedingen/ggz/", "Vergoeding ggz en psycholoog | Duinzorg", "Vergoeding geestelijke gezondheidszorg",
             ["Behandeling door een psycholoog of psychiater voor depressie, angststoornissen of ADHD valt onder de basisverzekering.",
              "Relatietherapie en burn-out coaching worden niet vergoed."], True,
             body_end=[facebook_like("https://www.duinzorg-verzekeringen.nl/vergoedingen/ggz/")]),
        page("/vergoedingen/anticonceptie/", "Vergoeding anticonceptie | Duinzorg", "Anticonceptie",
             ["De anticonceptiepil, het spiraaltje en de prikpil worden vergoed tot 21 jaar.",
              "Vanaf 21 jaar kunt u anticonceptie vergoed krijgen uit de aanvullende verzekering."], True),
        page("/nieuws/jaarcijfers-2025/", "Jaarcijfers 2025 | Duinzorg", "Duinzorg publiceert jaarcijfers 2025",
             ["Duinzorg sloot 2025 af met een positief resultaat.", "Het aantal verzekerden groeide met drie procent."], False),
        page("/contact/", "Contact | Duinzorg", "Contact",
             ["Bel ons of kom langs op ons kantoor in Haarlem.", "Wij zijn bereikbaar op werkdagen."], False),
    ],
)

site(
    "www.ivf-noorderlicht.nl", "Fertiliteitskliniek Noorderlicht", "ivf",
    head=[linkedin("7788990"), first_party_storage("noorderlicht_bezoek")],
    pages=[
        page("/", "Fertiliteitskliniek Noorderlicht", "Samen werken aan uw kinderwens",
             ["Fertiliteitskliniek Noorderlicht helpt wensouders met IVF, ICSI en IUI.", "Plan een eerste gesprek met onze gynaecoloog."], True,
             head=[meta_pixel("998877665544332")]),
        page("/behandelingen/ivf/", "IVF-behandeling | Fertiliteitskliniek Noorderlicht", "In-vitrofertilisatie (IVF)",
             ["Bij IVF vindt de bevruchting buiten het lichaam plaats.",
              "U krijgt eerst hormoonbehandeling, daarna volgen de follikelpunctie en de terugplaatsing van het embryo."], True,
             head=[meta_pixel("998877665544332", ("Lead", {"content_name": "IVF intake aangevraagd"}))]),
        page("/behandelingen/icsi/", "ICSI | Fertiliteitskliniek Noorderlicht", "ICSI-behandeling",
             ["Bij ICSI wordt één zaadcel direct in de eicel ingebracht.", "ICSI helpt bij een verminderde zaadkwaliteit."], True,
             head=[meta_pixel("998877665544332")]),
        page("/vergoeding/", "Vergoeding | Fertiliteitskliniek Noorderlicht", "Vergoeding van uw behandeling",
             ["De eerste drie IVF-pogingen worden vergoed uit de basisverzekering.", "Medicijnen voor de hormoonbehandeling vallen onder het eigen risico."], True,
             head=[meta_pixel("998877665544332")]),
        page("/contact/", "Contact | Fertiliteitskliniek Noorderlicht", "Contact",
             ["U vindt ons naast het station.", "Bel voor een afspraak met het secretariaat."], True,
             head=[meta_pixel("998877665544332")], body_end=[contact_form()]),
    ],
)

site(
    "www.polisplein-west.nl", "Polisplein West", "insurer",
    head=[meta_pixel("556677889900112")],
    pages=[
        page("/", "Polisplein West | Zorgverzekering", "Polisplein West",
             ["Een eenvoudige zorgverzekering tegen een scherpe premie.", "Overstappen regelt u online."], False),
        page("/premie/", "Premie 2026 | Polisplein West", "Premie 2026",
             ["Bereken uw maandpremie en kies uw eigen risico.", "Betaal per maand of per jaar."], False),
        page("/over-ons/", "Over ons | Polisplein West", "Over Polisplein West",
             ["Wij zijn een coöperatie van verzekerden.", "Ons jaarverslag leest u hier."], False),
        page("/contact/", "Contact | Polisplein West", "Contact",
             ["Bel ons op werkdagen.", "Of mail ons via het formulier in Mijn omgeving."], False),
    ],
)

site(
    "www.zorggroep-eemland.nl", "Zorggroep Eemland", "care-group",
    static_host="static.zorggroep-eemland.nl",
    head=[cdn_library(), '<link rel="stylesheet" href="https://static.zorggroep-eemland.nl/css/site.css">'],
    body_end=[self_hosted_analytics("stats.zorggroep-eemland.nl")],
    extra_hosts={"stats.zorggroep-eemland.nl": """# Self-hosted analytics: first party, never a third-party tracker.
[[route]]
path = "/matomo.php"
status = 204
"""},
    pages=[
        page("/", "Zorggroep Eemland", "Zorggroep Eemland",
             ["Samenwerkende huisartsen in de regio.", "Wij respecteren uw privacy: deze site gebruikt geen tracking."], False),
        page("/huisartsen/", "Huisartsen | Zorggroep Eemland", "Onze huisartsen",
             ["Vind een huisarts bij u in de buurt.", "Inschrijven kan online."], False),
        page("/diabeteszorg/", "Diabeteszorg | Zorggroep Eemland", "Diabeteszorg bij de huisarts",
             ["Heeft u diabetes type 2? De praktijkondersteuner begeleidt u bij uw behandeling.",
              "U krijgt elk kwartaal een controle van uw bloedsuiker."], True),
        page("/contact/", "Contact | Zorggroep Eemland", "Contact",
             ["Ons kantoor is bereikbaar op werkdagen.", "Voor spoed belt u uw eigen huisarts."], False),
    ],
)


# --- writing ----------------------------------------------------------------------------------

STYLE = """body{font-family:system-ui,sans-serif;margin:0;color:#1d2733}header,footer{background:#0b4f6c;color:#fff;padding:12px 24px}
header a,footer a{color:#fff;margin-right:16px}main{padding:24px;max-width:760px}"""


def render(s, p):
    nav = "\n".join(
        f'      <a href="{q["path"]}">{html.escape(q["h1"])}</a>' for q in s["pages"] if not q.get("hidden")
    )
    paragraphs = "\n".join(f"    <p>{html.escape(t)}</p>" for t in p["paragraphs"])
    head = "\n".join(s["head"] + p["head"])
    body_end = "\n".join(p["body_end"] + s["body_end"])
    head = head.replace("'@QUERY@'", "new URLSearchParams(location.search).get('q') || ''")
    return f"""<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>{html.escape(p["title"])}</title>
<meta name="description" content="{html.escape(p["paragraphs"][0])}">
<style>{STYLE}</style>
{head}
</head>
<body>
  <header>
    <strong>{html.escape(s["name"])}</strong>
    <nav>
{nav}
    </nav>
  </header>
  <main>
    <h1>{html.escape(p["h1"])}</h1>
{paragraphs}
  </main>
  <footer><a href="/contact/">Contact</a> <a href="/">Home</a> &copy; {html.escape(s["name"])}</footer>
{body_end}
</body>
</html>
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    for s in SITES:
        for p in s["pages"]:
            rel = p["path"].strip("/")
            target = os.path.join(ROOT, s["host"], rel, "index.html") if rel else os.path.join(ROOT, s["host"], "index.html")
            write(target, render(s, p))
        if s["static_host"]:
            write(os.path.join(ROOT, s["static_host"], "css", "site.css"), "main{line-height:1.5}\n")
            write(os.path.join(ROOT, s["static_host"], "js", "menu.js"),
                  "/* pixelaudit fixture: first-party menu script on the site's own static subdomain. */\n"
                  "document.documentElement.classList.add('js');\n")
        for host, config in s["extra_hosts"].items():
            write(os.path.join(ROOT, host, "_host.toml"), config)
    print(f"wrote {len(SITES)} sites, {sum(len(s['pages']) for s in SITES)} pages")


if __name__ == "__main__":
    main()
