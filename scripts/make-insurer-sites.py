#!/usr/bin/env python3
"""Writes the demo sector: 40 made-up Dutch health insurers in fixtures/web/, listed in
fixtures/sectors/nl-insurers.csv, modelled on what the NOS found in 2018: 18 of the 40 run the Meta
pixel, 11 of those on pages about medical treatments; the rest a mix (GA4 only, LinkedIn only, TikTok,
session replay, clean sites), some behind a consent banner that holds trackers back, some behind one
that does not. The output is checked in; run again after a change:

    python3 scripts/make-insurer-sites.py

Every name, page and text is made up for pixelaudit; the tracker snippets and the consent banner come
from the other fixture generators (make-fixture-sites.py, make-consent-sites.py).
"""
import html
import importlib.util
import json
import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "fixtures", "web")


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sites = load("sites", "make-fixture-sites.py")
consent = load("consent", "make-consent-sites.py")

# Made-up insurer names (first part) and the slug their host is made of.
NAMES = [
    "Polderzorg", "Waddenpolis", "Veluwe Zorgverzekering", "Kempenzorg", "Grachtenpolis", "Delta Zorg",
    "Heuvelland Verzekeringen", "IJsselpolis", "Duinrand Zorg", "Brabantse Zorgkring", "Lindeboom Zorg",
    "Eilandpolis", "Rivierenland Zorg", "Noorderzon Verzekeringen", "Peelzorg", "Vechtdal Polis",
    "Zeeuwse Zorgkring", "Hanzepolis", "Gooi Zorgverzekering", "Twentezorg", "Achterhoekpolis",
    "Kennemer Zorg", "Drentse Zorgkring", "Maaspolis", "Westland Zorg", "Lauwerszorg", "Friese Polis",
    "Betuwe Zorgverzekering", "Amstelpolis", "Utrechtse Zorgkring", "Zaanzorg", "Biesboschpolis",
    "Oostzorg", "Limburgse Zorgkring", "Flevopolis", "Haagse Zorg", "Rijnmond Polis", "Kustzorg",
    "Eemzorg", "Groene Hart Polis",
]

# Treatments an insurer explains its reimbursement of: (slug, title, h1, two paragraphs).
TREATMENTS = [
    ("ivf", "Vergoeding IVF-behandeling", "IVF en vruchtbaarheidsbehandeling",
     "Wilt u zwanger worden met een IVF-behandeling? De basisverzekering vergoedt de eerste drie IVF-pogingen.",
     "Ook ICSI valt onder de vergoeding. U heeft een verwijzing van de huisarts of gynaecoloog nodig."),
    ("psycholoog", "Vergoeding psycholoog en ggz", "Psycholoog en geestelijke gezondheidszorg",
     "Behandeling door een psycholoog of psychiater bij depressie, angststoornissen of ADHD valt onder de basisverzekering.",
     "Voor de behandeling heeft u een verwijzing van de huisarts nodig."),
    ("soa-test", "Vergoeding soa-test", "Soa-test en behandeling van soa",
     "Een soa-test bij de huisarts valt onder de basisverzekering, maar gaat wel van uw eigen risico af.",
     "Heeft u klachten zoals chlamydia of gonorroe, dan vergoeden wij ook de behandeling met antibiotica."),
    ("fysiotherapie", "Vergoeding fysiotherapie", "Fysiotherapie",
     "Bij chronische aandoeningen zoals artrose, reuma en COPD vergoedt de basisverzekering fysiotherapie vanaf de 21e behandeling.",
     "Met een aanvullende verzekering krijgt u meer behandelingen bij de fysiotherapeut vergoed."),
    ("anticonceptie", "Vergoeding anticonceptie", "Anticonceptie",
     "De anticonceptiepil, het spiraaltje en de prikpil worden vergoed tot 21 jaar.",
     "Vanaf 21 jaar krijgt u anticonceptie vergoed uit de aanvullende verzekering."),
    ("diabetes", "Vergoeding diabeteszorg", "Diabetes: hulpmiddelen en begeleiding",
     "Heeft u diabetes type 1 of type 2? Wij vergoeden insuline, een insulinepomp en teststrips voor uw bloedsuiker.",
     "De praktijkondersteuner van de huisarts begeleidt uw behandeling."),
    ("stoppen-met-roken", "Vergoeding stoppen met roken", "Stoppen met roken",
     "Een stoppen-met-rokenprogramma met begeleiding en medicijnen zoals nicotinepleisters valt onder de basisverzekering.",
     "Het programma gaat niet van uw eigen risico af."),
    ("hoortoestel", "Vergoeding hoortoestel", "Hoortoestel bij slechthorendheid",
     "Bent u slechthorend? De basisverzekering vergoedt 75 procent van een hoortoestel na onderzoek door de KNO-arts of audicien.",
     "Voor tinnitus vergoeden wij ook de behandeling in een audiologisch centrum."),
]

NEWS = [
    "Premie 2026 bekend: zo blijft uw verzekering betaalbaar",
    "Nieuwe klantenservice in de app",
    "Ons jaarverslag over 2025 staat online",
]

# Each insurer's profile: Meta pixel where (medical = on every page including the reimbursement pages,
# general = only outside /vergoedingen/), other trackers, and its consent banner:
# none (no banner), ignored (a banner that holds nothing back), respected (trackers wait for "accept").
PROFILES = (
    # 11 with the Meta pixel on medical pages
    [dict(meta="medical", other=["ga4"], banner="none")] * 3
    + [dict(meta="medical", other=[], banner="none")] * 2
    + [dict(meta="medical", other=["ga4"], banner="ignored")] * 3
    + [dict(meta="medical", other=[], banner="respected")] * 2
    + [dict(meta="medical", other=["linkedin"], banner="none")]
    # 7 with the Meta pixel on general pages only
    + [dict(meta="general", other=[], banner="none")] * 3
    + [dict(meta="general", other=["ga4"], banner="ignored")] * 2
    + [dict(meta="general", other=["ga4"], banner="respected")] * 2
    # 22 without it
    + [dict(meta=None, other=["ga4"], banner="none")] * 4
    + [dict(meta=None, other=["ga4"], banner="ignored")] * 2
    + [dict(meta=None, other=["ga4"], banner="respected")] * 2
    + [dict(meta=None, other=["linkedin"], banner="none")] * 2
    + [dict(meta=None, other=["linkedin"], banner="ignored")] * 2
    + [dict(meta=None, other=["tiktok"], banner="none")] * 2
    + [dict(meta=None, other=["hotjar"], banner="respected")]
    + [dict(meta=None, other=["clarity"], banner="respected")]
    + [dict(meta=None, other=[], banner="none")] * 3
    + [dict(meta=None, other=[], banner="respected")] * 3
)
assert len(PROFILES) == 40 and len(NAMES) == 40

BANNER_HTML = (f'<div class="cookiemelding" role="dialog" style="{consent.BAR}"><strong>Cookies</strong><p>{consent.TEXT}</p>'
               f'<button type="button" data-pa="reject" style="{consent.SECONDARY}">Alleen noodzakelijke cookies</button>'
               f'<button type="button" data-pa="accept" style="{consent.PRIMARY}">Alles accepteren</button></div>')


def slug_of(name):
    return name.lower().replace(" ", "-")


def tracker_snippets(profile, host, index, medical_page):
    number = zlib.crc32(host.encode())
    snippets = []
    if profile["meta"] == "medical" or (profile["meta"] == "general" and not medical_page):
        snippets.append(("marketing", sites.meta_pixel(str(300000000000000 + number % 99999999999))))
    for other in profile["other"]:
        if other == "ga4":
            snippets.append(("statistics", sites.gtag(f"G-INS{index:02d}{number % 9999:04d}")))
        elif other == "linkedin":
            snippets.append(("marketing", sites.linkedin(str(5000000 + number % 999999))))
        elif other == "tiktok":
            snippets.append(("marketing", sites.tiktok(f"CINSURER{index:02d}")))
        elif other == "hotjar":
            snippets.append(("statistics", sites.hotjar(4000000 + index)))
        elif other == "clarity":
            snippets.append(("statistics", sites.clarity(f"ins{index:02d}")))
    if profile["banner"] == "respected":
        return [consent.blocked(s, purpose) for purpose, s in snippets]
    return [s for _, s in snippets]


def main():
    listed = []
    meta_sites = meta_medical = 0
    for index, (name, profile) in enumerate(zip(NAMES, PROFILES), start=1):
        host = f"www.{slug_of(name)}.nl"
        chosen = [TREATMENTS[(index + k * 3) % len(TREATMENTS)] for k in range(3)]
        head = []
        if profile["banner"] != "none":
            cfg = dict(name="eigen banner", key=f"ins{index:02d}_cookies", mount="body", html=BANNER_HTML)
            config = json.dumps(cfg, ensure_ascii=False).replace("</", "<\\/")
            head.append(f"<script>window.__pixelauditCmpConfig = {config};</script>")
            head.append(f'<script src="https://{host}/js/cookie-banner.js"></script>')
        popular = " ".join(
            f'<a href="/vergoedingen/{slug}/">{html.escape(title)}</a>' for slug, title, *_ in chosen[:2])
        pages = [
            sites.page("/", f"{name} | Zorgverzekering", f"{name}: zorgverzekering voor iedereen",
                       ["Kies de basisverzekering en de aanvullende verzekering die bij u passen.",
                        "Bereken uw premie of bekijk wat wij vergoeden."], False),
            sites.page("/vergoedingen/", f"Wat wordt vergoed? | {name}", "Vergoedingen",
                       ["Zoek op wat uw zorgverzekering vergoedt.",
                        "Kies hieronder een onderwerp."], False),
            sites.page("/premie-berekenen/", f"Premie berekenen | {name}", "Premie berekenen",
                       ["Vul uw geboortejaar in en kies uw pakket.", "U ziet direct uw maandpremie."], False),
            sites.page("/nieuws/", f"Nieuws | {name}", "Nieuws", NEWS[:2], False),
            sites.page("/contact/", f"Contact | {name}", "Contact",
                       ["Bel ons op werkdagen van 8.00 tot 20.00 uur.", "Of stuur een bericht via Mijn omgeving."], False),
            sites.page("/zoeken/", f"Zoeken | {name}", "Zoekresultaten",
                       ["Resultaten voor uw zoekopdracht.", "Niet gevonden wat u zocht? Neem contact met ons op."], False,
                       hidden=True),
        ]
        for slug, title, h1, p1, p2 in chosen:
            pages.append(sites.page(f"/vergoedingen/{slug}/", f"{title} | {name}", h1, [p1, p2], True, hidden=True))
        s = dict(host=host, name=name, kind="insurer", pages=pages, head=head,
                 body_end=[sites.search_form()], static_host=None, extra_hosts={})
        for p in pages:
            medical_page = p["path"].startswith("/vergoedingen/") and p["medical"]
            p["body_end"] = tracker_snippets(profile, host, index, medical_page)
            body = sites.render(s, p)
            if p["path"] == "/":
                body = body.replace("  </main>", f'    <nav aria-label="Veelgezocht">Veelgezocht: {popular}</nav>\n  </main>')
            if p["path"] == "/vergoedingen/":
                links = "\n".join(
                    f'      <p><a href="/vergoedingen/{slug}/">{html.escape(title)}</a></p>' for slug, title, *_ in chosen)
                body = body.replace("  </main>", f'    <nav aria-label="Onderwerpen">\n{links}\n    </nav>\n  </main>')
            rel = p["path"].strip("/")
            target = os.path.join(ROOT, host, rel, "index.html") if rel else os.path.join(ROOT, host, "index.html")
            sites.write(target, body)
        routes = []
        if profile["banner"] != "none":
            routes.append('[[route]]\npath = "/js/cookie-banner.js"\nbody = "shared:consent-kit.js"\n'
                          'content_type = "application/javascript"\n')
        sites.write(os.path.join(ROOT, host, "_host.toml"),
                    f"# {name}: a made-up insurer of the demo sector ({profile_text(profile)}).\n" + "\n".join(routes))
        if index % 4 == 0:
            # Some insurers publish robots.txt and a sitemap; the private part of the site is off limits.
            sites.write(os.path.join(ROOT, host, "robots.txt"),
                        f"User-agent: *\nDisallow: /mijn/\n\nSitemap: https://{host}/sitemap.xml\n")
            urls = "\n".join(f"  <url><loc>https://{host}{p['path']}</loc></url>" for p in pages if p["path"] != "/zoeken/")
            sites.write(os.path.join(ROOT, host, "sitemap.xml"),
                        '<?xml version="1.0" encoding="UTF-8"?>\n'
                        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n')
        meta_sites += profile["meta"] is not None
        meta_medical += profile["meta"] == "medical"
        listed.append((name, f"https://{host}/", profile_text(profile)))
    with open(os.path.join(ROOT, "..", "sectors", "nl-insurers.csv"), "w", encoding="utf-8") as f:
        f.write("name,url,sector\n")
        for name, url, _ in listed:
            f.write(f"{name},{url},insurer\n")
    print(f"wrote {len(listed)} insurers: {meta_sites} with the Meta pixel, {meta_medical} of them on medical pages")


def profile_text(profile):
    parts = []
    if profile["meta"]:
        parts.append(f"Meta pixel on {profile['meta']} pages")
    parts += profile["other"]
    parts.append(f"banner: {profile['banner']}")
    return ", ".join(parts)


if __name__ == "__main__":
    main()
