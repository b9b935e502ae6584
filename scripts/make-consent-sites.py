#!/usr/bin/env python3
"""Writes the fixture web's consent sites: one site per consent tool in rules/consent/, plus a site's own
hand-written banner and two banners that cannot be handled. Each tool's banner mimics that tool's DOM
structure (the ids and classes the real tool uses, which rules/consent/<tool>.toml names); the behaviour
comes from fixtures/web/_shared/consent-kit.js, which every tool's script route serves. Output is checked in; run again after a change:

    python3 scripts/make-consent-sites.py
"""
import html
import importlib.util
import json
import os
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "fixtures", "web")
spec = importlib.util.spec_from_file_location("sites", os.path.join(HERE, "make-fixture-sites.py"))
sites = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sites)

BUTTON = "padding:10px 18px;border:0;border-radius:4px;font-size:15px;cursor:pointer;margin:4px"
PRIMARY = BUTTON + ";background:#1a6b3c;color:#fff"
SECONDARY = BUTTON + ";background:#e4e4e4;color:#222"
BAR = "position:fixed;left:0;right:0;bottom:0;background:#fff;padding:18px 24px;box-shadow:0 -2px 10px rgba(0,0,0,.3);z-index:9999;font:15px sans-serif"
TEXT = "Wij gebruiken cookies om onze website te verbeteren en om u relevante advertenties te tonen. U kunt uw toestemming altijd weer intrekken."


def toggles(pre_ticked, attrs="", wrap='<label style="display:block"><input type="checkbox" data-purpose="{p}"{c}{a}> {label}</label>'):
    rows = ['<label style="display:block"><input type="checkbox" checked disabled> Noodzakelijk</label>']
    for purpose, label in (("statistics", "Statistieken"), ("marketing", "Marketing")):
        rows.append(wrap.format(p=purpose, c=" checked" if pre_ticked else "", a=attrs, label=label))
    return "".join(rows)


def second_layer(container_attrs, reject_attrs, save_attrs, pre_ticked=False):
    reject = f'<button type="button" {reject_attrs} data-pa="reject" style="{SECONDARY}">Alles weigeren</button>' if reject_attrs else ""
    return (f'<div {container_attrs} data-pa-layer="second" style="display:none;margin-top:12px">{toggles(pre_ticked)}'
            f'{reject}<button type="button" {save_attrs} data-pa="save" style="{SECONDARY}">Voorkeuren opslaan</button></div>')


TOOLS = {
    "cookiebot": dict(
        host="www.zorgverzekeraar-noordkaap.nl", name="Noordkaap Zorgverzekeringen", kind="insurer",
        script="https://consent.cookiebot.com/uc.js?cbid=pixelaudit-noordkaap",
        cfg=dict(name="Cookiebot", key="CookieConsent", global_="Cookiebot",
                 reopen='<a id="CookiebotWidget" href="#" style="position:fixed;left:12px;bottom:12px;background:#1032cf;color:#fff;padding:8px;border-radius:50%">&#9881;</a>'),
        html=(f'<div id="CybotCookiebotDialog" role="dialog" style="{BAR}"><div id="CybotCookiebotDialogBodyContentText">{TEXT}</div>'
              f'<button id="CybotCookiebotDialogBodyButtonDecline" data-pa="reject" style="{SECONDARY}">Weigeren</button>'
              f'<button id="CybotCookiebotDialogBodyLevelButtonCustomize" data-pa="settings" style="{SECONDARY}">Aanpassen</button>'
              f'<button id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll" data-pa="accept" style="{PRIMARY}">Alles toestaan</button>'
              + second_layer('id="CybotCookiebotDialogTabContentDetails"', "", 'id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowallSelection"')
              + "</div>"),
        note="clean before consent: every tracker waits for the choice"),
    "onetrust": dict(
        host="www.ziekenhuis-oostmark.nl", name="Ziekenhuis Oostmark", kind="hospital",
        script="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js",
        cfg=dict(name="OneTrust", key="OptanonConsent", global_="OneTrust",
                 reopen='<button id="ot-sdk-btn-floating" class="ot-sdk-show-settings" style="position:fixed;left:12px;bottom:12px">Cookie-instellingen</button>'),
        html=(f'<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk" role="dialog" style="{BAR}"><p id="onetrust-policy-text">{TEXT}</p>'
              f'<button id="onetrust-pc-btn-handler" data-pa="settings" style="{SECONDARY}">Cookie-instellingen</button>'
              f'<button id="onetrust-reject-all-handler" data-pa="reject" style="{SECONDARY}">Alles weigeren</button>'
              f'<button id="onetrust-accept-btn-handler" data-pa="accept" style="{PRIMARY}">Alles accepteren</button>'
              + second_layer('id="onetrust-pc-sdk"', 'class="ot-pc-refuse-all-handler"', 'class="save-preference-btn-handler"')
              + "</div></div>"),
        unblocked=True,
        note="keeps tracking after reject: the trackers are not held back by the banner"),
    "cookieyes": dict(
        host="www.fysiotherapie-lindehof.nl", name="Fysiotherapie Lindehof", kind="clinic",
        script="https://cdn-cookieyes.com/client_data/pixelaudit-lindehof/script.js",
        cfg=dict(name="CookieYes", key="cookieyes-consent", global_="getCkyConsent",
                 reopen='<div class="cky-btn-revisit-wrapper" style="position:fixed;left:12px;bottom:12px"><button class="cky-btn-revisit">Cookievoorkeuren</button></div>'),
        html=(f'<div class="cky-consent-container" role="region" style="{BAR}"><div class="cky-notice"><p>{TEXT}</p>'
              f'<button class="cky-btn cky-btn-customize" data-pa="settings" style="{SECONDARY}">Aanpassen</button>'
              f'<button class="cky-btn cky-btn-reject" data-pa="reject" style="{SECONDARY}">Alles weigeren</button>'
              f'<button class="cky-btn cky-btn-accept" data-pa="accept" style="{PRIMARY}">Alles accepteren</button></div>'
              + second_layer('class="cky-preference-center"', "", 'class="cky-btn cky-btn-preferences"', pre_ticked=True)
              + "</div>"),
        note="pre-ticked purposes in the settings layer"),
    "didomi": dict(
        host="www.apotheek-zeezicht.nl", name="Apotheek Zeezicht", kind="pharmacy",
        script="https://sdk.privacy-center.org/pixelaudit-zeezicht/loader.js",
        cfg=dict(name="Didomi", key="didomi_token", global_="Didomi", tcf=True,
                 reopen='<button class="didomi-floating-button" style="position:fixed;left:12px;bottom:12px">Toestemming wijzigen</button>'),
        html=(f'<div id="didomi-host"><div id="didomi-notice" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<button id="didomi-notice-learn-more-button" data-pa="settings" style="{SECONDARY}">Meer informatie</button>'
              f'<button id="didomi-notice-agree-button" data-pa="accept" style="{PRIMARY}">Akkoord en sluiten</button>'
              + second_layer('class="didomi-popup-container"', 'class="didomi-consent-popup-actions didomi-button-disagree"', 'class="didomi-button-save"').replace(
                  'class="didomi-consent-popup-actions didomi-button-disagree"', 'class="didomi-button-disagree" id="btn-toggle-disagree"')
              + "</div></div>"),
        note="reject only on the second layer"),
    "usercentrics": dict(
        host="www.tandartspraktijk-dewaal.nl", name="Tandartspraktijk De Waal", kind="dentist",
        script="https://app.usercentrics.eu/browser-ui/latest/loader.js",
        cfg=dict(name="Usercentrics", key="uc_settings", storage="localStorage", global_="UC_UI", mount="shadow", shadowHost="usercentrics-root",
                 reopen='<button id="usercentrics-button" style="position:fixed;left:12px;bottom:12px">Privacy-instellingen</button>'),
        html=(f'<div data-testid="uc-default-banner" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<button data-testid="uc-more-button" data-pa="settings" style="{SECONDARY}">Meer opties</button>'
              f'<button data-testid="uc-deny-all-button" data-pa="reject" style="{SECONDARY}">Alles weigeren</button>'
              f'<button data-testid="uc-accept-all-button" data-pa="accept" style="{PRIMARY}">Alles accepteren</button>'
              + second_layer('data-testid="uc-center-container"', "", 'data-testid="uc-save-button"')
              + "</div>"),
        note="banner inside a shadow root"),
    "complianz": dict(
        host="www.dermatologie-venlo.nl", name="Dermatologie Kliniek Venlo", kind="clinic",
        script="https://www.dermatologie-venlo.nl/wp-content/plugins/complianz-gdpr/cookiebanner/js/complianz.min.js",
        cfg=dict(name="Complianz", key="cmplz_banner-status", global_="complianz",
                 reopen='<button class="cmplz-manage-consent" style="position:fixed;left:12px;bottom:12px">Toestemming beheren</button>'),
        html=(f'<div id="cmplz-cookiebanner-container"><div class="cmplz-cookiebanner" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<button class="cmplz-btn cmplz-accept" data-pa="accept" style="{PRIMARY};font-size:18px;padding:14px 40px">Accepteren</button>'
              f'<a href="#" class="cmplz-btn cmplz-deny" data-pa="reject" style="font-size:11px;color:#bbb;margin-left:12px">weigeren</a>'
              f'<a href="#" class="cmplz-btn cmplz-view-preferences" data-pa="settings" style="font-size:11px;color:#bbb;margin-left:12px">voorkeuren</a>'
              + second_layer('class="cmplz-categories"', "", 'class="cmplz-btn cmplz-save-preferences"')
              + "</div></div>"),
        self_hosted=True,
        note="reject shown as a small pale link while accept is a large button"),
    "quantcast": dict(
        host="www.gezondheidsplein-west.nl", name="Gezondheidsplein West", kind="portal",
        script="https://cmp.quantcast.com/choice/pixelaudit/www.gezondheidsplein-west.nl/choice.js",
        cfg=dict(name="Quantcast Choice", key="euconsent-v2", global_="__qc", tcf=True,
                 reopen='<button class="qc-cmp2-persistent-link" style="position:fixed;left:12px;bottom:12px">Privacy</button>'),
        html=(f'<div class="qc-cmp2-container" id="qc-cmp2-container"><div class="qc-cmp2-summary-section" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<div class="qc-cmp2-summary-buttons"><button mode="link" data-pa="settings" style="{SECONDARY}">Meer opties</button>'
              f'<button mode="secondary" data-pa="reject" style="{SECONDARY}">Niet akkoord</button>'
              f'<button mode="primary" data-pa="accept" style="{PRIMARY}">Akkoord</button></div></div></div>'),
        note="an IAB TCF consent tool: the choice can be read through __tcfapi"),
    "cookiefirst": dict(
        host="www.orthopedie-achterhoek.nl", name="Orthopedisch Centrum Achterhoek", kind="clinic",
        script="https://consent.cookiefirst.com/sites/www.orthopedie-achterhoek.nl-pixelaudit/consent.js",
        cfg=dict(name="CookieFirst", key="cookiefirst-consent", global_="CookieFirst"),
        html=(f'<div class="cookiefirst-root"><div data-cookiefirst-widget="banner" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<button data-cookiefirst-action="adjust" data-pa="settings" style="{SECONDARY}">Instellingen</button>'
              f'<button data-cookiefirst-action="reject" data-pa="reject" style="{SECONDARY}">Alles weigeren</button>'
              f'<button data-cookiefirst-action="accept" data-pa="accept" style="{PRIMARY}">Alles accepteren</button>'
              + second_layer('data-cookiefirst-widget="modal"', "", 'data-cookiefirst-action="save"')
              + "</div></div>"),
        note="no way to reopen the banner after a choice"),
    "trustarc": dict(
        host="www.revalidatie-rijnstad.nl", name="Revalidatiecentrum Rijnstad", kind="clinic",
        script="https://consent.trustarc.com/notice?domain=revalidatie-rijnstad.nl&c=teconsent",
        cfg=dict(name="TrustArc", key="notice_preferences", global_="truste", mount="iframe", frameId="truste-consent-frame",
                 frameSrc="https://consent.trustarc.com/banner.html",
                 reopen='<div id="teconsent" style="position:fixed;left:12px;bottom:12px"><a href="#">Cookievoorkeuren</a></div>'),
        html="",
        note="banner inside a cross-site iframe"),
    "borlabs": dict(
        host="www.psycholoog-amstel.nl", name="Psychologenpraktijk Amstel", kind="ggz",
        script="https://www.psycholoog-amstel.nl/wp-content/plugins/borlabs-cookie/javascript/borlabs-cookie.min.js",
        cfg=dict(name="Borlabs Cookie", key="borlabs-cookie", global_="BorlabsCookie", wallOnReject=True),
        html=(f'<div id="BorlabsCookieBox"><div class="_brlbs-box" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<p class="_brlbs-refuse-btn"><a href="#" data-cookie-refuse data-pa="reject">Alleen noodzakelijke cookies</a></p>'
              f'<a href="#" class="_brlbs-btn-accept-all" data-cookie-accept-all data-pa="accept" style="{PRIMARY};display:inline-block">Alles accepteren</a>'
              "</div></div>"),
        self_hosted=True,
        note="cookie wall: after reject the content stays blocked"),
    "generic": dict(
        host="www.huisartsenpost-delta.nl", name="Huisartsenpost Delta", kind="gp",
        script=None,
        cfg=dict(name="eigen banner", key="hap_toestemming"),
        html=(f'<div class="site-melding" style="{BAR}"><strong>Cookies op deze website</strong><p>{TEXT}</p>'
              f'<button type="button" data-pa="reject" style="{SECONDARY}">Alleen noodzakelijke cookies</button>'
              f'<button type="button" data-pa="accept" style="{PRIMARY}">Alles accepteren</button></div>'),
        note="the site's own hand-written banner, found by the generic finder"),
    "dead-button": dict(
        host="www.dode-knop.nl", name="Kliniek Dode Knop", kind="clinic",
        script=None,
        cfg=dict(name="kapotte banner", key="dk_keuze"),
        html=(f'<div class="cookie-balk" style="{BAR}"><p>{TEXT}</p>'
              f'<button type="button" data-pa="dead" style="{SECONDARY}">Weigeren</button>'
              f'<button type="button" data-pa="dead" style="{PRIMARY}">Alles accepteren</button></div>'),
        note="a banner whose buttons do nothing"),
    "no-controls": dict(
        host="www.geen-knoppen.nl", name="Praktijk Geen Knoppen", kind="clinic",
        script=None,
        cfg=dict(name="banner zonder knoppen", key="gk_keuze"),
        html=(f'<div class="cookie-balk" style="{BAR}"><p>{TEXT}</p>'
              f'<span data-pa="accept" style="cursor:pointer;text-decoration:underline">Prima zo</span></div>'),
        note="a banner with no recognisable accept or reject control"),
}

TRUSTARC_BANNER = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>TrustArc cookievoorkeuren</title>
<style>body{margin:0;font:15px sans-serif}#truste-consent-track{padding:16px 24px}</style></head>
<body><div id="truste-consent-track" role="dialog"><div id="truste-consent-text">@TEXT@</div>
<button id="truste-show-consent" type="button" style="@SECONDARY@">Cookievoorkeuren</button>
<button id="truste-consent-required" type="button" style="@SECONDARY@">Alleen vereiste cookies</button>
<button id="truste-consent-button" type="button" style="@PRIMARY@">Alle cookies accepteren</button></div>
<script>
  /* pixelaudit fixture: the banner frame tells the page what the visitor chose. */
  document.getElementById('truste-consent-button').addEventListener('click', function () { parent.postMessage({ pixelauditConsent: 'accept' }, '*'); });
  document.getElementById('truste-consent-required').addEventListener('click', function () { parent.postMessage({ pixelauditConsent: 'reject' }, '*'); });
</script></body></html>
""".replace("@TEXT@", html.escape(TEXT)).replace("@SECONDARY@", SECONDARY).replace("@PRIMARY@", PRIMARY)


def blocked(snippet, purpose):
    """Holds an inline tracker snippet back until the consent tool allows `purpose`."""
    out = []
    for part in snippet.split("</script>"):
        if "<script" not in part:
            out.append(part)
            continue
        before, _, rest = part.partition("<script")
        attrs, _, body = rest.partition(">")
        if "src=" in attrs:
            out.append(f'{before}<script type="text/plain" data-consent="{purpose}"{attrs}>{body}')
        else:
            out.append(f'{before}<script type="text/plain" data-consent="{purpose}">{body}')
    return "</script>".join(out)


def kit_config(tool, spec):
    cfg = dict(spec["cfg"])
    if "global_" in cfg:
        cfg["global"] = cfg.pop("global_")
    cfg.setdefault("mount", "body")
    cfg["html"] = spec["html"]
    return cfg


def main():
    listed = []
    for tool, spec in TOOLS.items():
        host = spec["host"]
        slug = host.split(".")[1]
        pixel = str(400000000000000 + zlib.crc32(host.encode()) % 99999999999)
        meta = sites.meta_pixel(pixel)
        ga = sites.gtag("G-" + slug[:8].upper().replace("-", "") + "1")
        trackers = [meta, ga] if spec.get("unblocked") else [blocked(meta, "marketing"), blocked(ga, "statistics")]
        # The page names its tool's look and behaviour; the tool's script (one shared kit) does the rest.
        config = json.dumps(kit_config(tool, spec), ensure_ascii=False).replace("</", "<\\/")
        head = [f"<script>window.__pixelauditCmpConfig = {config};</script>"]
        # The consent tool's own script, served from its host (or, for plug-ins and hand-written banners, the site's).
        script = spec["script"] or f"https://{host}/js/cookie-banner.js"
        head.append(f'<script src="{html.escape(script)}"></script>')
        script_host, _, script_path = script.split("://", 1)[1].partition("/")
        script_path = "/" + script_path.split("?")[0]
        routes = [f'[[route]]\npath = "{script_path}"\nbody = "shared:consent-kit.js"\ncontent_type = "application/javascript"\n']
        if script_host == "consent.trustarc.com":
            sites.write(os.path.join(ROOT, script_host, "banner.html"), TRUSTARC_BANNER)
        sites.write(os.path.join(ROOT, script_host, "_host.toml"),
                    "# The consent tool's script: the shared fixture kit, configured by the page.\n" + "\n".join(routes))
        pages = [
            sites.page("/", spec["name"], spec["name"], ["Welkom. " + spec["note"] + ".", "Maak een afspraak of lees over onze behandelingen."], False),
            sites.page("/behandelingen/", "Rugklachten | " + spec["name"], "Behandeling van rugklachten",
                       ["Rugklachten komen veel voor en gaan meestal vanzelf over.", "Blijven uw rugklachten langer dan zes weken? Dan helpen oefeningen en een behandeling op maat."], True),
            sites.page("/contact/", "Contact | " + spec["name"], "Contact", ["Bel ons op werkdagen.", "Ons adres staat hieronder."], False),
        ]
        s = dict(host=host, name=spec["name"], kind=spec["kind"], pages=pages, head=head, body_end=trackers,
                 static_host=None, extra_hosts={})
        for p in pages:
            rel = p["path"].strip("/")
            target = os.path.join(ROOT, host, rel, "index.html") if rel else os.path.join(ROOT, host, "index.html")
            sites.write(target, sites.render(s, p))
        listed.append((spec["name"], f"https://{host}/", tool))
    with open(os.path.join(ROOT, "..", "sectors", "consent.csv"), "w", encoding="utf-8") as f:
        f.write("name,url,sector\n")
        for name, url, tool in listed:
            f.write(f"{name},{url},{tool}\n")
    print(f"wrote {len(listed)} consent sites")


if __name__ == "__main__":
    main()
