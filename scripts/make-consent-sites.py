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
        # Advertising and measurement purposes, and two vendors, stay on legitimate interest whatever
        # the visitor chose: finding F06 after reject.
        cfg=dict(name="Quantcast Choice", key="euconsent-v2", global_="__qc", tcf=True,
                 legitimateInterest=dict(purposes=[2, 7, 9, 10], vendors=[91, 755]),
                 reopen='<button class="qc-cmp2-persistent-link" style="position:fixed;left:12px;bottom:12px">Privacy</button>'),
        html=(f'<div class="qc-cmp2-container" id="qc-cmp2-container"><div class="qc-cmp2-summary-section" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<div class="qc-cmp2-summary-buttons"><button mode="link" data-pa="settings" style="{SECONDARY}">Meer opties</button>'
              f'<button mode="secondary" data-pa="reject" style="{SECONDARY}">Niet akkoord</button>'
              f'<button mode="primary" data-pa="accept" style="{PRIMARY}">Akkoord</button></div></div></div>'),
        note="an IAB TCF consent tool: the choice can be read through __tcfapi; advertising purposes stay on legitimate interest after reject"),
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
        # Drawn 800 ms after the page's script runs: after the page has gone quiet and the first look
        # for a banner, so only a second look finds it.
        cfg=dict(name="eigen banner", key="hap_toestemming", delayMs=800),
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

    # Fifteen more tools, each drawn with the ids and classes its rule in rules/consent/ names.
    "consentmanager": dict(
        host="www.huidcentrum-maasland.nl", name="Huidcentrum Maasland", kind="clinic",
        script="https://cdn.consentmanager.net/delivery/cmp.js",
        cfg=dict(name="consentmanager", key="__cmpconsentx47110", global_="__cmp"),
        html=(f'<div id="cmpwrapper"><div id="cmpbox" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<a href="#" class="cmpboxbtn cmpboxbtncustom" data-pa="settings" style="{SECONDARY}">Instellingen</a>'
              f'<a href="#" class="cmpboxbtn cmpboxbtnno" data-pa="reject" style="{SECONDARY}">Weigeren</a>'
              f'<a href="#" class="cmpboxbtn cmpboxbtnyes" data-pa="accept" style="{PRIMARY}">Accepteren</a>'
              + second_layer('class="cmptblbox"', "", 'class="cmpboxbtn cmpboxbtnyescustomchoices"')
              + "</div></div>"),
        note="consentmanager's #cmpbox with links for buttons"),
    "sourcepoint": dict(
        host="www.gezondheidsnieuws-west.nl", name="Gezondheidsnieuws West", kind="portal",
        script="https://cdn.privacy-mgmt.com/unified/wrapperMessagingWithoutDetection.js",
        cfg=dict(name="Sourcepoint", key="consentUUID", mount="iframe", frameId="sp_message_iframe_4711",
                 frameSrc="https://cdn.privacy-mgmt.com/index.html?message_id=4711"),
        frame=("index.html", dict(container='class="message-container"', accept='class="message-button sp_choice_type_11"',
                                  reject='class="message-button sp_choice_type_13"', settings='class="message-button sp_choice_type_12"',
                                  texts=("Alles accepteren", "Alles weigeren", "Opties"))),
        html="",
        note="Sourcepoint's message in a cross-site iframe"),
    "funding-choices": dict(
        host="www.medisch-forum-noord.nl", name="Medisch Forum Noord", kind="portal",
        script="https://fundingchoicesmessages.google.com/i/pub-4711",
        cfg=dict(name="Funding Choices", key="FCCDCF", global_="__googlefc"),
        html=(f'<div class="fc-consent-root"><div class="fc-dialog-container" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<button class="fc-button fc-cta-manage-options" data-pa="settings" style="{SECONDARY}">Opties beheren</button>'
              f'<button class="fc-button fc-cta-do-not-consent" data-pa="reject" style="{SECONDARY}">Geen toestemming</button>'
              f'<button class="fc-button fc-cta-consent" data-pa="accept" style="{PRIMARY}">Toestemming</button>'
              + second_layer('class="fc-preference-container"', "", 'class="fc-button fc-confirm-choices"')
              + "</div></div>"),
        note="Google's consent message on a site with ads"),
    "civic": dict(
        host="www.tandartsen-ijmond.nl", name="Tandartsen IJmond", kind="dentist",
        script="https://cc.cdn.civiccomputing.com/9/cookieControl-9.x.min.js",
        cfg=dict(name="Cookie Control", key="CookieControl", global_="CookieControl"),
        html=(f'<div id="ccc"><div id="ccc-notify" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<button class="ccc-notify-button ccc-notify-link" data-pa="settings" style="{SECONDARY}">Instellingen</button>'
              f'<button id="ccc-notify-reject" class="ccc-notify-button ccc-reject-button" data-pa="reject" style="{SECONDARY}">Weigeren</button>'
              f'<button id="ccc-notify-accept" class="ccc-notify-button ccc-accept-button" data-pa="accept" style="{PRIMARY}">Accepteren</button>'
              "</div></div>"),
        note="Civic's notification bar"),
    "osano": dict(
        host="www.apotheek-duinstreek.nl", name="Apotheek Duinstreek", kind="pharmacy",
        script="https://cmp.osano.com/pixelaudit/duinstreek/osano.js",
        cfg=dict(name="Osano", key="osano_consentmanager", global_="Osano"),
        html=(f'<div class="osano-cm-window"><div class="osano-cm-dialog osano-cm-dialog--type_bar" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<button class="osano-cm-manage osano-cm-link" data-pa="settings" style="{SECONDARY}">Voorkeuren</button>'
              f'<button class="osano-cm-denyAll osano-cm-button" data-pa="reject" style="{SECONDARY}">Alles weigeren</button>'
              f'<button class="osano-cm-accept-all osano-cm-button" data-pa="accept" style="{PRIMARY}">Alles accepteren</button>'
              + second_layer('class="osano-cm-info"', "", 'class="osano-cm-save osano-cm-button"')
              + "</div></div>"),
        note="Osano's bar"),
    "cookie-script": dict(
        host="www.physio-harbour.co.uk", name="Harbour Physiotherapy", kind="clinic",
        script="https://cdn.cookie-script.com/s/pixelaudit-harbour.js",
        cfg=dict(name="Cookie-Script", key="CookieScriptConsent"),
        html=(f'<div id="cookiescript_injected" role="dialog" style="{BAR}"><div id="cookiescript_description">We use cookies to improve our website and to show you relevant adverts.</div>'
              f'<div id="cookiescript_manage" data-pa="settings" role="button" style="{SECONDARY};display:inline-block">Show details</div>'
              f'<div id="cookiescript_reject" data-pa="reject" role="button" style="{SECONDARY};display:inline-block">Decline all</div>'
              f'<div id="cookiescript_accept" data-pa="accept" role="button" style="{PRIMARY};display:inline-block">Accept all</div>'
              + second_layer('class="cookiescript_fsd_main"', "", 'id="cookiescript_save"')
              + "</div>"),
        note="Cookie-Script's banner, its buttons drawn as divs"),
    "klaro": dict(
        host="www.zahnarzt-rheinufer.de", name="Zahnarztpraxis Rheinufer", kind="dentist",
        script="https://www.zahnarzt-rheinufer.de/js/klaro.js",
        cfg=dict(name="Klaro", key="klaro", global_="klaro"),
        html=(f'<div class="klaro"><div class="cookie-notice" role="dialog" style="{BAR}"><p>Wir verwenden Cookies, um unsere Website zu verbessern und Ihnen passende Werbung zu zeigen.</p>'
              f'<button class="cm-btn cn-learn-more" data-pa="settings" style="{SECONDARY}">Einstellungen</button>'
              f'<button class="cm-btn cm-btn-danger cn-decline" data-pa="reject" style="{SECONDARY}">Ablehnen</button>'
              f'<button class="cm-btn cm-btn-success cm-btn-accept-all" data-pa="accept" style="{PRIMARY}">Alle akzeptieren</button>'
              + second_layer('class="cookie-modal"', "", 'class="cm-btn cm-btn-accept"')
              + "</div></div>"),
        self_hosted=True,
        note="Klaro, served from the site itself"),
    "cookieconsent3": dict(
        host="www.logopedie-kempen.nl", name="Logopedie Kempen", kind="clinic",
        script="https://www.logopedie-kempen.nl/js/cookieconsent.umd.js",
        cfg=dict(name="CookieConsent", key="cc_cookie", global_="CookieConsent"),
        html=(f'<div id="cc-main"><div class="cm-wrapper"><div class="cm cm--bar" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<button class="cm__btn cm__btn--secondary" data-role="show" data-pa="settings" style="{SECONDARY}">Voorkeuren beheren</button>'
              f'<button class="cm__btn cm__btn--secondary" data-role="necessary" data-pa="reject" style="{SECONDARY}">Alles weigeren</button>'
              f'<button class="cm__btn" data-role="all" data-pa="accept" style="{PRIMARY}">Alles accepteren</button>'
              + second_layer('class="pm-wrapper"', "", 'class="pm__btn" data-role="save"')
              + "</div></div></div>"),
        self_hosted=True,
        note="orestbida's cookieconsent v3"),
    "ketch": dict(
        host="www.dietist-vallei.nl", name="Diëtistenpraktijk Vallei", kind="clinic",
        script="https://global.ketchcdn.com/web/v3/config/pixelaudit/vallei/boot.js",
        cfg=dict(name="Ketch", key="_ketch_consent_v1_"),
        html=(f'<div id="lanyard_root"><div id="ketch-banner" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<button id="ketch-banner-button-secondary" data-pa="settings" style="{SECONDARY}">Instellingen</button>'
              f'<button id="ketch-banner-button-tertiary" aria-label="Reject All" data-pa="reject" style="{SECONDARY}">Alles weigeren</button>'
              f'<button id="ketch-banner-button-primary" data-pa="accept" style="{PRIMARY}">Alles accepteren</button>'
              + second_layer('id="ketch-modal"', "", 'aria-label="Save Settings"')
              + "</div></div>"),
        note="Ketch's banner"),
    "termly": dict(
        host="www.hearing-clinic-york.co.uk", name="York Hearing Clinic", kind="clinic",
        script="https://app.termly.io/embed.min.js",
        cfg=dict(name="Termly", key="termly_fixture_choice"),
        html=(f'<div id="termly-code-snippet-support"><div class="termly-styles-banner" role="dialog" style="{BAR}"><p>We use cookies to improve our website and to show you relevant adverts.</p>'
              f'<button class="t-preference-button" data-pa="settings" style="{SECONDARY}">Preferences</button>'
              f'<button data-tid="banner-decline" data-pa="reject" style="{SECONDARY}">Decline</button>'
              f'<button data-tid="banner-accept" data-pa="accept" style="{PRIMARY}">Accept</button>'
              + second_layer('class="t-preference-modal"', 'class="t-declineAllButton"', 'class="t-saveButton"')
              + "</div></div>"),
        note="Termly's banner: where Termly stores the choice is not public, so only the banner closing is checked"),
    "iubenda": dict(
        host="www.clinica-dentale-arno.it", name="Clinica Dentale Arno", kind="dentist",
        script="https://cdn.iubenda.com/cs/iubenda_cs.js",
        cfg=dict(name="iubenda", key="_iub_cs-47110815", global_="_iub"),
        html=(f'<div id="iubenda-cs-banner" role="dialog" style="{BAR}"><p>Utilizziamo i cookie per migliorare il nostro sito e per mostrarti pubblicità pertinente.</p>'
              f'<button class="iubenda-cs-customize-btn" data-pa="settings" style="{SECONDARY}">Personalizza</button>'
              f'<button class="iubenda-cs-reject-btn" data-pa="reject" style="{SECONDARY}">Rifiuta</button>'
              f'<button class="iubenda-cs-accept-btn" data-pa="accept" style="{PRIMARY}">Accetta</button>'
              + second_layer('id="iubenda-iframe"', 'class="iub-btn-reject"', 'id="iubFooterBtn"')
              + "</div>"),
        note="iubenda's banner, in Italian"),
    "eu-cookie-compliance": dict(
        host="www.ggz-polder.nl", name="GGZ Polder", kind="ggz",
        script="https://www.ggz-polder.nl/modules/contrib/eu_cookie_compliance/js/eu_cookie_compliance.min.js",
        cfg=dict(name="EU Cookie Compliance", key="cookie-agreed"),
        html=(f'<div id="sliding-popup"><div class="eu-cookie-compliance-banner eu-cookie-compliance-banner-info" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<button class="decline-button" data-pa="reject" style="{SECONDARY}">Nee, bedankt</button>'
              f'<button class="agree-button eu-cookie-compliance-default-button" data-pa="accept" style="{PRIMARY}">Akkoord</button>'
              "</div></div>"),
        self_hosted=True,
        note="the Drupal module's banner, served from the site itself"),
    "cookiehub": dict(
        host="www.podotherapie-zeeland.nl", name="Podotherapie Zeeland", kind="clinic",
        script="https://cdn.cookiehub.eu/c2/pixelaudit.js",
        cfg=dict(name="CookieHub", key="cookiehub"),
        html=(f'<div class="ch2-container"><div class="ch2-dialog ch2-dialog-bottom" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<button class="ch2-btn ch2-open-settings-btn" data-pa="settings" style="{SECONDARY}">Instellingen</button>'
              f'<button class="ch2-btn ch2-allow-all-btn" data-pa="accept" style="{PRIMARY}">Alles toestaan</button>'
              + second_layer('class="ch2-settings"', 'class="ch2-btn ch2-deny-all-btn"', 'class="ch2-btn ch2-save-settings-btn"')
              + "</div></div>"),
        note="reject only in CookieHub's settings"),
    "cookie-information": dict(
        host="www.fertiliteitskliniek-oost.nl", name="Fertiliteitskliniek Oost", kind="clinic",
        script="https://policy.app.cookieinformation.com/uc.js",
        cfg=dict(name="Cookie Information", key="CookieInformationConsent", global_="CookieInformation"),
        html=(f'<div id="coiOverlay" role="dialog" style="{BAR}"><p>{TEXT}</p>'
              f'<button class="coi-banner__nextpage" data-pa="settings" style="{SECONDARY}">Details</button>'
              f'<button id="declineButton" class="coi-banner__decline" data-pa="reject" style="{SECONDARY}">Alleen noodzakelijke</button>'
              f'<button class="coi-banner__accept" data-pa="accept" style="{PRIMARY}">Alles accepteren</button>'
              + second_layer('class="coi-consent-banner__categories"', "", 'id="updateButton"')
              + "</div>"),
        note="Cookie Information's overlay"),
    "tarteaucitron": dict(
        host="www.cabinet-kine-loire.fr", name="Cabinet de kinésithérapie Loire", kind="clinic",
        script="https://www.cabinet-kine-loire.fr/js/tarteaucitron.js",
        cfg=dict(name="tarteaucitron", key="tarteaucitron", global_="tarteaucitron"),
        html=(f'<div id="tarteaucitronRoot"><div id="tarteaucitronAlertBig" role="dialog" style="{BAR}">'
              '<span id="tarteaucitronDisclaimerAlert">Nous utilisons des cookies pour améliorer notre site et vous montrer des publicités adaptées.</span>'
              f'<button id="tarteaucitronCloseAlert" data-pa="settings" style="{SECONDARY}">Personnaliser</button>'
              f'<button id="tarteaucitronAllDenied2" data-pa="reject" style="{SECONDARY}">Tout refuser</button>'
              f'<button id="tarteaucitronPersonalize2" data-pa="accept" style="{PRIMARY}">Tout accepter</button>'
              + second_layer('id="tarteaucitron"', 'id="tarteaucitronAllDenied"', 'id="tarteaucitronClosePanel"')
              + "</div></div>"),
        self_hosted=True,
        note="tarteaucitron.js, served from the site itself, in French"),
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


def frame_banner(container, accept, reject, settings, texts):
    """A consent message drawn in a frame of the tool's own host, telling the page what the visitor chose."""
    accept_text, reject_text, settings_text = (html.escape(t) for t in texts)
    return f"""<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Cookie consent</title>
<style>body{{margin:0;font:15px sans-serif}}.message-container{{padding:16px 24px}}</style></head>
<body><div {container} role="dialog"><p>{html.escape(TEXT)}</p>
<button type="button" {settings} style="{SECONDARY}">{settings_text}</button>
<button type="button" {reject} data-choice="reject" style="{SECONDARY}">{reject_text}</button>
<button type="button" {accept} data-choice="accept" style="{PRIMARY}">{accept_text}</button></div>
<script>
  /* pixelaudit fixture: the message frame tells the page what the visitor chose. */
  document.querySelectorAll('[data-choice]').forEach(function (b) {{
    b.addEventListener('click', function () {{ parent.postMessage({{ pixelauditConsent: b.getAttribute('data-choice') }}, '*'); }});
  }});
</script></body></html>
"""


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


# Banners read by their words: the "accept only necessary" trap in six languages, with and without an
# "accept all" beside it, and the notices the generic finder must tell apart (a toast without cookie words,
# an age gate that mentions cookies, a known tool's in-page bar without its frame, an Italian notice).
TRAP_TEXTS = {
    "nl": ("www.noodzakelijk-met.nl", "www.noodzakelijk-zonder.nl", TEXT,
           "Alles accepteren", "Alleen noodzakelijke cookies accepteren", "Noodzakelijke cookies accepteren", "Cookiebeleid"),
    "en": ("www.necessary-with.co.uk", "www.necessary-without.co.uk",
           "We use cookies to improve our website and to show you relevant adverts. You can withdraw your consent at any time.",
           "Accept all cookies", "Accept only necessary cookies", "Accept necessary cookies", "Cookie policy"),
    "de": ("www.notwendig-mit.de", "www.notwendig-ohne.de",
           "Wir verwenden Cookies, um unsere Website zu verbessern und Ihnen passende Werbung zu zeigen. Sie können Ihre Einwilligung jederzeit widerrufen.",
           "Alle akzeptieren", "Nur notwendige Cookies akzeptieren", "Notwendige Cookies akzeptieren", "Datenschutzerklärung"),
    "fr": ("www.necessaire-avec.fr", "www.necessaire-sans.fr",
           "Nous utilisons des cookies pour améliorer notre site et vous montrer des publicités adaptées. Vous pouvez retirer votre consentement à tout moment.",
           "Tout accepter", "Accepter uniquement les cookies nécessaires", "Accepter les cookies nécessaires", "Politique de cookies"),
    "it": ("www.necessari-con.it", "www.necessari-senza.it",
           "Utilizziamo i cookie per migliorare il nostro sito e per mostrarti pubblicità pertinente. Puoi revocare il consenso in qualsiasi momento.",
           "Accetta tutti", "Accetta solo i cookie necessari", "Accetta i cookie necessari", "Informativa sui cookie"),
    "es": ("www.necesarias-con.es", "www.necesarias-sin.es",
           "Utilizamos cookies para mejorar nuestro sitio web y mostrarle publicidad relevante. Puede retirar su consentimiento en cualquier momento.",
           "Aceptar todas", "Aceptar solo las cookies necesarias", "Aceptar las cookies necesarias", "Política de cookies"),
}


def trap_sites():
    out = {}
    for lang, (with_host, without_host, text, accept_all, only_necessary, necessary, policy) in TRAP_TEXTS.items():
        bar = f'<div class="cookie-notice" style="{BAR}"><p>{html.escape(text)}</p>'
        link = f'<a href="/privacy/" style="margin-left:12px">{html.escape(policy)}</a>'
        out[f"trap-{lang}-with"] = dict(
            host=with_host, name=f"Kliniek {lang.upper()} met keuze", kind="clinic", script=None,
            cfg=dict(name="eigen banner", key="cookie_choice"),
            html=(bar + f'<button type="button" data-pa="reject" style="{SECONDARY}">{html.escape(only_necessary)}</button>'
                  f'<button type="button" data-pa="accept" style="{PRIMARY}">{html.escape(accept_all)}</button>{link}</div>'),
            note=f"'{only_necessary}' means reject, beside '{accept_all}'")
        out[f"trap-{lang}-without"] = dict(
            host=without_host, name=f"Kliniek {lang.upper()} zonder alles", kind="clinic", script=None,
            cfg=dict(name="eigen banner", key="cookie_choice"),
            html=(bar + f'<button type="button" data-pa="reject" style="{PRIMARY}">{html.escape(necessary)}</button>{link}</div>'),
            note=f"'{necessary}' is the only choice, and it means reject")
    return out


TOAST = "position:fixed;right:16px;bottom:16px;width:320px;background:#222;color:#fff;padding:14px;border-radius:8px;z-index:5000;font:14px sans-serif"
GATE = "position:fixed;left:50%;top:30%;transform:translateX(-50%);width:420px;background:#fff;padding:24px;border:2px solid #333;z-index:10000;font:16px sans-serif"
PATTERNS = {
    "toast": dict(
        host="www.analytics-toast.co.uk", name="Physio Toast", kind="clinic", script=None,
        cfg=dict(name="eigen banner", key="analytics_choice"),
        html=(f'<div class="toast" style="{TOAST}"><p>We measure visits with analytics to learn which pages help our patients most.</p>'
              f'<button type="button" data-pa="accept" style="{PRIMARY}">Accept</button>'
              f'<button type="button" data-pa="reject" style="{SECONDARY}">Opt out</button></div>'),
        note="a small toast about analytics, with Accept and Opt out, that never says cookie or consent"),
    "age-gate": dict(
        host="www.leeftijdscheck.nl", name="Wijnhuis Leeftijdscheck", kind="shop", script=None,
        cfg=dict(name="eigen banner", key="cookie_choice"),
        html=(f'<div><div class="age-gate" role="dialog" aria-modal="true" style="{GATE}"><h2>Ben je 18 jaar of ouder?</h2>'
              '<p>Voor deze website moet je 18 jaar of ouder zijn. Door verder te gaan accepteer je ook onze cookies en voorwaarden.</p>'
              f'<button type="button" style="{PRIMARY}">Accepteren en doorgaan</button><button type="button" style="{SECONDARY}">Verlaten</button></div>'
              f'<div class="cookie-notice" style="{BAR}"><p>{TEXT}</p>'
              f'<button type="button" data-pa="reject" style="{SECONDARY}">Alles weigeren</button>'
              f'<button type="button" data-pa="accept" style="{PRIMARY}">Alles accepteren</button></div></div>'),
        note="an age gate that mentions cookies, above the real cookie notice"),
    "trustarc-inpage": dict(
        host="www.revalidatie-inpage.nl", name="Revalidatie In Page", kind="clinic",
        script="https://consent.trustarc.com/notice?domain=revalidatie-inpage.nl&c=teconsent",
        cfg=dict(name="TrustArc", key="notice_preferences", global_="truste"),
        html=(f'<div id="truste-consent-track" role="dialog" style="{BAR}"><div id="truste-consent-text">{TEXT}</div>'
              f'<button id="truste-show-consent" type="button" data-pa="settings" style="{SECONDARY}">Cookievoorkeuren</button>'
              f'<button id="truste-consent-required" type="button" data-pa="reject" style="{SECONDARY}">Alleen vereiste cookies</button>'
              f'<button id="truste-consent-button" type="button" data-pa="accept" style="{PRIMARY}">Alle cookies accepteren</button></div>'),
        note="TrustArc's bar drawn in the page instead of in its frame"),
    "italian": dict(
        host="www.clinica-lago.it", name="Clinica del Lago", kind="clinic", script=None,
        cfg=dict(name="eigen banner", key="consenso_cookie"),
        html=(f'<div><div class="informativa" role="region" aria-label="Informativa sui cookie" style="{BAR}">'
              '<p>Utilizziamo i cookie tecnici e, con il tuo consenso, cookie di profilazione per mostrarti pubblicità in linea con le tue preferenze.</p>'
              f'<button type="button" data-pa="settings" style="{SECONDARY}">Personalizza</button>'
              f'<button type="button" data-pa="reject" style="{SECONDARY}">Rifiuta</button>'
              f'<button type="button" data-pa="accept" style="{PRIMARY}">Accetta tutti</button></div>'
              '<div class="cookie-footer" style="margin-top:40px;padding:16px;background:#eee"><p>Clinica del Lago, via del Porto 12, Como. '
              'Privacy e cookie: leggi la nostra informativa sul trattamento dei dati personali e la cookie policy.</p>'
              '<a href="/privacy/">Informativa privacy</a> <a href="/cookie/">Impostazioni cookie</a></div></div>'),
        note="an Italian notice, and a footer that talks about cookies too"),
}


def write_site(spec, listed, tool, sector_file):
    host = spec["host"]
    slug = host.split(".")[1]
    pixel = str(400000000000000 + zlib.crc32(host.encode()) % 99999999999)
    meta = sites.meta_pixel(pixel)
    ga = sites.gtag("G-" + slug[:8].upper().replace("-", "") + "1")
    trackers = [meta, ga] if spec.get("unblocked") else [blocked(meta, "marketing"), blocked(ga, "statistics")]
    # The page names its tool's look and behaviour; the tool's script (one shared kit) does the rest.
    config = json.dumps(kit_config(tool, spec), ensure_ascii=False).replace("</", "<\\/")
    head = [f"<script>window.__pixelauditCmpConfig = {config};</script>",
            # A web font from a font host: a third-party service, which the report lists apart from trackers.
            '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Fixture+Sans&amp;display=swap">',
            "<style>body{font-family:'Fixture Sans',sans-serif}</style>"]
    # The consent tool's own script, served from its host (or, for plug-ins and hand-written banners, the site's).
    script = spec["script"] or f"https://{host}/js/cookie-banner.js"
    head.append(f'<script src="{html.escape(script)}"></script>')
    script_host, _, script_path = script.split("://", 1)[1].partition("/")
    script_path = "/" + script_path.split("?")[0]
    routes = [f'[[route]]\npath = "{script_path}"\nbody = "shared:consent-kit.js"\ncontent_type = "application/javascript"\n']
    if script_host == "consent.trustarc.com":
        sites.write(os.path.join(ROOT, script_host, "banner.html"), TRUSTARC_BANNER)
    if spec.get("frame"):
        name, parts = spec["frame"]
        sites.write(os.path.join(ROOT, script_host, name), frame_banner(**parts))
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
    listed.setdefault(sector_file, []).append((spec["name"], f"https://{host}/", tool))


def main():
    listed = {}
    for tool, spec in TOOLS.items():
        write_site(spec, listed, tool, "consent.csv")
    for tool, spec in {**trap_sites(), **PATTERNS}.items():
        write_site(spec, listed, tool, "consent-patterns.csv")
    for sector_file, rows in listed.items():
        with open(os.path.join(ROOT, "..", "sectors", sector_file), "w", encoding="utf-8") as f:
            f.write("name,url,sector\n")
            for name, url, tool in rows:
                f.write(f"{name},{url},{tool}\n")
        print(f"wrote {len(rows)} sites of {sector_file}")


if __name__ == "__main__":
    main()
