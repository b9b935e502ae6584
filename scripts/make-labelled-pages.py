#!/usr/bin/env python3
"""Writes fixtures/pages/: labelled pages for the medical-page classifier, in Dutch, English, German and
French, half medical, with the hard cases of issue #4 (premium pages whose menus list treatments, policy
glossaries full of medical words, a hospital's "about us", generic appointment pages, generic bodies under
a treatment URL, a single-specialty clinic's contact page, company news that names a disease once).
Every text here is written for pixelaudit. Output is checked in; run again after a change:

    python3 scripts/make-labelled-pages.py
"""
import csv
import html
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "pages")

MENU = {
    "nl": ["Vergoedingen", "Fysiotherapie", "Tandzorg", "IVF", "GGZ", "Kraamzorg", "Diabetes", "Premie", "Contact"],
    "en": ["Cover", "Physiotherapy", "Dental", "IVF", "Mental health", "Maternity", "Diabetes", "Prices", "Contact"],
    "de": ["Leistungen", "Physiotherapie", "Zahnarzt", "Kinderwunsch", "Psychotherapie", "Diabetes", "Tarife", "Kontakt"],
    "fr": ["Garanties", "Kinésithérapie", "Dentaire", "FIV", "Santé mentale", "Maternité", "Diabète", "Tarifs", "Contact"],
}
FOOTER = {
    "nl": "Privacy | Cookies | Disclaimer | Klachtenregeling | Werken bij",
    "en": "Privacy | Cookies | Terms | Complaints | Careers",
    "de": "Datenschutz | Impressum | Karriere",
    "fr": "Confidentialité | Mentions légales | Carrières",
}

PAGES = []  # (lang, url, medical, case, site, title, h1, paragraphs, extra_head)


def add(lang, url, medical, case, title, h1, paragraphs, site=None, head=""):
    PAGES.append(dict(lang=lang, url=url, medical=medical, case=case, site=site, title=title, h1=h1,
                      paragraphs=paragraphs, head=head))


# --- Dutch -------------------------------------------------------------------------------------
NL_MEDICAL = [
    ("aandoeningen/depressie", "Depressie", ["Bij een depressie voelt u zich langer dan twee weken somber.", "Praat erover met uw huisarts; een psycholoog kan u helpen met gesprekken."]),
    ("aandoeningen/diabetes-type-2", "Diabetes type 2", ["Bij diabetes type 2 reageert uw lichaam minder goed op insuline.", "De behandeling begint vaak met leefstijladvies en metformine."]),
    ("aandoeningen/borstkanker", "Borstkanker", ["Borstkanker is de meest voorkomende vorm van kanker bij vrouwen.", "De behandeling bestaat uit een operatie, bestraling en soms chemotherapie."]),
    ("aandoeningen/astma", "Astma", ["Bij astma zijn uw luchtwegen overgevoelig.", "Met een puffer houdt u de klachten onder controle."]),
    ("aandoeningen/artrose-knie", "Artrose in de knie", ["Bij artrose slijt het kraakbeen in het gewricht.", "Fysiotherapie en pijnstillers helpen, soms is een knieprothese nodig."]),
    ("aandoeningen/adhd-volwassenen", "ADHD bij volwassenen", ["Volwassenen met ADHD hebben moeite met concentratie en rust.", "Behandeling met methylfenidaat en coaching kan helpen."]),
    ("aandoeningen/hartfalen", "Hartfalen", ["Bij hartfalen pompt uw hart minder krachtig.", "De cardioloog schrijft medicijnen voor zoals plaspillen en bètablokkers."]),
    ("aandoeningen/migraine", "Migraine", ["Migraine is een aanvalsgewijze, bonzende hoofdpijn.", "Triptanen kunnen een aanval verkorten."]),
    ("aandoeningen/eczeem", "Eczeem", ["Eczeem is een ontsteking van de huid met jeuk en rode plekken.", "De huidarts schrijft vaak een hormooncrème voor."]),
    ("aandoeningen/angststoornis", "Angststoornis", ["Bij een angststoornis bent u vaak en heftig angstig.", "Cognitieve gedragstherapie is de eerste keus."]),
    ("aandoeningen/soa", "Soa-test", ["Een soa zoals chlamydia of gonorroe merkt u vaak niet.", "Laat u testen bij de huisarts of de GGD."]),
    ("aandoeningen/dementie", "Dementie", ["Bij dementie gaan geheugen en denken achteruit.", "Een casemanager dementie begeleidt u en uw mantelzorger."]),
    ("vergoedingen/ivf", "Vergoeding IVF", ["De basisverzekering vergoedt de eerste drie IVF-pogingen.", "U heeft een verwijzing nodig van de gynaecoloog."]),
    ("vergoedingen/fysiotherapie", "Vergoeding fysiotherapie", ["Fysiotherapie bij chronische aandoeningen wordt vanaf de 21e behandeling vergoed.", "Bekkenfysiotherapie bij urineverlies krijgt u 9 keer vergoed."]),
    ("vergoedingen/ggz", "Vergoeding GGZ", ["Behandeling van psychische klachten door een psycholoog valt onder de basisverzekering.", "U heeft een verwijzing nodig van de huisarts."]),
    ("vergoedingen/kraamzorg", "Kraamzorg", ["Na de bevalling heeft u recht op kraamzorg thuis.", "Meld u aan in de vierde maand van uw zwangerschap."]),
    ("vergoedingen/logopedie", "Logopedie", ["Logopedie bij stotteren of afasie wordt vergoed uit de basisverzekering.", "U heeft een verwijzing nodig."]),
    ("vergoedingen/staaroperatie", "Staaroperatie", ["Een staaroperatie in het ziekenhuis wordt vergoed.", "Kies een oogarts met wie uw verzekeraar een contract heeft."]),
    ("vergoedingen/anticonceptie", "Anticonceptie", ["De pil en het spiraaltje worden tot 21 jaar vergoed.", "Daarna vergoedt de aanvullende verzekering anticonceptie."]),
    ("vergoedingen/dieetadvisering", "Dieetadvisering", ["Drie uur dieetadvisering per jaar wordt vergoed.", "Een diëtist helpt bij overgewicht, diabetes of voedselallergie."]),
    ("afdelingen/cardiologie", "Cardiologie", ["De cardioloog onderzoekt en behandelt hart- en vaatziekten.", "Op de hartpoli maakt u een ECG en een inspanningstest."]),
    ("afdelingen/oncologie", "Oncologie", ["Op de afdeling oncologie behandelen wij mensen met kanker.", "Chemotherapie krijgt u op de dagbehandeling."]),
    ("afdelingen/neurologie", "Neurologie", ["De neuroloog behandelt aandoeningen van de hersenen en zenuwen, zoals epilepsie en parkinson.", "Na een beroerte wordt u opgenomen op de stroke unit."]),
    ("afdelingen/verloskunde", "Verloskunde", ["Op de verloskamers begeleiden gynaecologen en verloskundigen uw bevalling.", "Bij zwangerschapsdiabetes wordt u vaker gecontroleerd."]),
    ("medicijnen/sertraline", "Sertraline", ["Sertraline is een antidepressivum uit de groep SSRI's.", "Bijwerkingen zijn misselijkheid en slecht slapen."]),
    ("medicijnen/insuline", "Insuline spuiten", ["Insuline verlaagt de bloedsuiker bij diabetes.", "De diabetesverpleegkundige leert u spuiten."]),
    ("zorg/revalidatie-na-beroerte", "Revalidatie na een beroerte", ["Na een beroerte helpt revalidatie u weer zelfstandig te worden.", "Ergotherapie en logopedie horen daarbij."]),
    ("zorg/verslavingszorg", "Verslavingszorg", ["Bent u afhankelijk van alcohol of drugs? Verslavingszorg helpt.", "Behandeling kan poliklinisch of met opname."]),
    ("abortus", "Abortus", ["Een abortus kan tot 24 weken zwangerschap.", "De overtijdbehandeling gebeurt in een abortuskliniek."]),
    ("transgenderzorg", "Transgenderzorg", ["Het genderteam begeleidt mensen met genderdysforie.", "Hormoonbehandeling en operaties worden vergoed."]),
    ("aandoeningen/copd", "COPD", ["Bij COPD zijn uw longen blijvend beschadigd.", "Longrevalidatie en een inhalator helpen bij benauwdheid."]),
    ("aandoeningen/ziekte-van-crohn", "Ziekte van Crohn", ["De ziekte van Crohn is een chronische darmontsteking.", "De MDL-arts schrijft ontstekingsremmers voor."]),
    ("aandoeningen/burn-out", "Burn-out", ["Bij een burn-out bent u uitgeput door langdurige stress.", "Een psycholoog helpt u bij herstel."]),
    ("aandoeningen/prostaatkanker", "Prostaatkanker", ["Prostaatkanker groeit vaak langzaam.", "De uroloog bespreekt bestraling of een operatie."]),
    ("aandoeningen/hernia", "Hernia", ["Bij een hernia drukt een tussenwervelschijf op een zenuw.", "Vaak helpt fysiotherapie; soms volgt een operatie."]),
    ("aandoeningen/zwangerschapsdiabetes", "Zwangerschapsdiabetes", ["Bij zwangerschapsdiabetes is uw bloedsuiker te hoog tijdens de zwangerschap.", "U krijgt dieetadvies en soms insuline."]),
    ("aandoeningen/glaucoom", "Glaucoom", ["Bij glaucoom raakt de oogzenuw beschadigd.", "Oogdruppels verlagen de oogdruk."]),
    ("aandoeningen/reuma", "Reumatoïde artritis", ["Reumatoïde artritis is een ontsteking van de gewrichten.", "De reumatoloog schrijft methotrexaat voor."]),
    ("vergoedingen/hoortoestel", "Vergoeding hoortoestel", ["Een hoortoestel bij gehoorverlies wordt deels vergoed.", "De audicien regelt de aanvraag."]),
    ("vergoedingen/stoppen-met-roken", "Stoppen met roken", ["Een stoppen-met-rokenprogramma wordt vergoed.", "Nicotinevervangers horen daarbij."]),
    ("vergoedingen/orthodontie", "Beugel en orthodontie", ["Orthodontie voor kinderen wordt vergoed uit de aanvullende tandzorg.", "De orthodontist maakt een behandelplan."]),
    ("zorg/wijkverpleging", "Wijkverpleging", ["De wijkverpleegkundige helpt bij wondzorg en medicatie thuis.", "U heeft geen verwijzing nodig."]),
]
NL_HARD_MEDICAL = [
    # A generic body under a URL and title that name a treatment.
    ("vergoedingen/ivf-icsi", "Vergoeding IVF en ICSI", "Vergoeding IVF en ICSI", ["Bekijk in uw polis wat u vergoed krijgt.", "Log in op Mijn omgeving voor uw overzicht."], "generic-body-treatment-url"),
    ("vergoedingen/psycholoog", "Psycholoog vergoeding", "Psycholoog", ["Bekijk wat uw pakket vergoedt.", "Heeft u vragen? Bel ons."], "generic-body-treatment-url"),
    # An appointment with a specialty is medical.
    ("afspraak/kno-arts", "Afspraak maken bij de KNO-arts", "Afspraak bij de KNO-arts", ["Heeft u last van tinnitus of gehoorverlies? Maak een afspraak op de KNO-poli.", "Neem uw verwijsbrief mee."], "specialty-appointment"),
]
NL_GENERAL = [
    ("premie-berekenen", "Premie berekenen", ["Bereken uw maandpremie voor 2026.", "Kies uw eigen risico en zie direct wat u betaalt."], "premium-with-treatment-menu"),
    ("zorgverzekering-vergelijken", "Zorgverzekering vergelijken", ["Vergelijk onze pakketten en kies wat bij u past.", "Overstappen kan tot 1 januari."], "insurer-page"),
    ("contact", "Contact", ["Bel ons op werkdagen van 8 tot 20 uur.", "Of stuur ons een bericht."], "contact"),
    ("werken-bij", "Werken bij ons", ["Bekijk onze vacatures voor IT en klantenservice.", "Wij bieden een goede pensioenregeling."], "careers"),
    ("privacy", "Privacyverklaring", ["Wij gaan zorgvuldig om met uw persoonsgegevens.", "Lees hoe wij cookies gebruiken."], "privacy"),
    ("jaarverslag-2025", "Jaarverslag 2025", ["Het resultaat over 2025 was positief.", "Het aantal verzekerden groeide met twee procent."], "annual-report"),
    ("bezoektijden", "Bezoektijden", ["Bezoek is welkom van 11 tot 20 uur.", "Parkeren kan in de garage naast de hoofdingang."], "visiting-hours"),
    ("afspraak-maken", "Afspraak maken", ["Maak online een afspraak of wijzig uw afspraak.", "Houd uw BSN bij de hand."], "generic-appointments"),
    ("over-ons", "Over ons", ["Ons ziekenhuis heeft afdelingen voor cardiologie, oncologie, neurologie en orthopedie.", "Wij werken samen met huisartsen in de regio en investeren in opleiding."], "hospital-about-us"),
    ("polisvoorwaarden/begrippenlijst", "Begrippenlijst polisvoorwaarden", ["Fysiotherapie: behandeling door een fysiotherapeut. GGZ: geestelijke gezondheidszorg. IVF: in-vitrofertilisatie.", "Kraamzorg: zorg na de bevalling. Logopedie: behandeling van spraak. Chemotherapie: behandeling van kanker met medicijnen. Dialyse: nierfunctievervanging."], "policy-glossary"),
    ("nieuws/nieuwe-directeur", "Nieuwe directeur benoemd", ["De raad van toezicht heeft een nieuwe directeur benoemd.", "Zij werkte eerder bij een organisatie die onderzoek naar diabetes steunt."], "company-news-one-disease"),
    ("nieuws/klantwaardering", "Hoge klantwaardering", ["Klanten geven ons een 8,2.", "Wij danken iedereen die meedeed aan het onderzoek."], "company-news"),
    ("klachten", "Klachten over onze dienstverlening", ["Niet tevreden? Dien een klacht in via het klachtenformulier.", "De behandeling van uw klacht duurt maximaal vier weken."], "false-friend-complaints"),
    ("declareren", "Declareren", ["Stuur uw nota in via de app.", "Wij betalen binnen tien dagen uit, na aftrek van uw eigen risico."], "claims"),
    ("app", "Onze app", ["Met de app regelt u alles snel.", "Download hem in de app store."], "app"),
    ("pakketten/aanvullend", "Aanvullende verzekering", ["Kies een aanvullend pakket met extra dekking.", "Bekijk de premie per maand."], "insurer-page"),
    ("studenten", "Voor studenten", ["Studenten krijgen korting op de premie.", "Regel het online in vijf minuten."], "insurer-page"),
    ("buitenland", "Op reis naar het buitenland", ["Neem uw zorgpas mee op reis.", "Bel bij nood onze alarmcentrale."], "travel"),
    ("organisatie/raad-van-bestuur", "Raad van bestuur", ["De raad van bestuur bestaat uit drie leden.", "Zij zijn verantwoordelijk voor de strategie."], "about"),
    ("route", "Route en parkeren", ["Het ziekenhuis ligt naast station Noord.", "Met de auto volgt u de borden."], "directions"),
    ("cookies", "Cookieverklaring", ["Wij gebruiken functionele en analytische cookies.", "U kunt uw voorkeuren altijd wijzigen."], "privacy"),
    ("nieuwsbrief", "Nieuwsbrief", ["Meld u aan voor onze nieuwsbrief.", "U ontvangt hem één keer per maand."], "newsletter"),
    ("vrijwilligers", "Vrijwilligerswerk", ["Word vrijwilliger in ons ziekenhuis.", "U helpt bij de receptie of de winkel."], "careers"),
    ("duurzaamheid", "Duurzaamheid", ["Wij verminderen onze CO2-uitstoot.", "Het dak ligt vol zonnepanelen."], "about"),
    ("inloggen", "Inloggen", ["Log in met DigiD.", "Problemen met inloggen? Bel de helpdesk."], "login"),
    ("betalen", "Premie betalen", ["Betaal uw premie per maand of per jaar.", "Bij betaling per jaar krijgt u korting."], "premium"),
    ("sponsoring", "Sponsoring", ["Wij sponsoren de lokale voetbalclub.", "Ook steunen wij een hardloopevenement."], "about"),
    ("pers", "Pers", ["Journalisten kunnen contact opnemen met de woordvoerder.", "Persberichten vindt u hieronder."], "press"),
    ("toegankelijkheid", "Toegankelijkheid", ["Onze website voldoet aan de richtlijnen voor toegankelijkheid.", "Meld een probleem via het formulier."], "about"),
    ("veelgestelde-vragen", "Veelgestelde vragen", ["Hoe verander ik mijn adres? Via Mijn omgeving.", "Wanneer wordt de premie afgeschreven? Rond de 25e."], "faq"),
    ("korting-collectief", "Collectieve korting", ["Via uw werkgever krijgt u korting op de premie.", "Vraag het na bij uw afdeling HR."], "premium"),
    ("adres-wijzigen", "Adres wijzigen", ["Verhuisd? Geef uw nieuwe adres door.", "Dat kan online in een paar minuten."], "service"),
    ("gezinsuitbreiding", "Kind bijschrijven", ["Schrijf uw baby binnen vier maanden bij.", "Kinderen tot 18 jaar zijn gratis verzekerd."], "service"),
    ("ziekenhuis-in-cijfers", "Het ziekenhuis in cijfers", ["Vorig jaar werkten er 3.000 medewerkers.", "Het ziekenhuis heeft 450 bedden."], "annual-report"),
    ("parkeren", "Parkeren", ["Parkeren kost 2 euro per uur.", "Betaal bij de automaat."], "directions"),
    ("restaurant", "Restaurant en winkel", ["In de centrale hal vindt u het restaurant.", "De winkel verkoopt bloemen en tijdschriften."], "about"),
    ("wifi", "Gratis wifi", ["Bezoekers kunnen gratis gebruikmaken van wifi.", "Kies het netwerk Gasten."], "about"),
    ("wachtkamer", "Uw bezoek voorbereiden", ["Neem uw legitimatiebewijs mee.", "Meld u aan bij de zuil in de hal."], "generic-appointments"),
    ("stage", "Stage lopen", ["Studenten kunnen bij ons stage lopen.", "Stuur uw motivatie naar de stagecoördinator."], "careers"),
    ("opzeggen", "Zorgverzekering opzeggen", ["Opzeggen kan tot 31 december.", "Uw nieuwe verzekeraar zegt uw polis voor u op."], "insurer-page"),
    ("giften", "Doneren", ["Steun ons fonds met een gift.", "Uw gift is aftrekbaar van de belasting."], "about"),
    ("podcast", "Onze podcast", ["Luister naar verhalen van medewerkers.", "Nieuwe afleveringen elke maand."], "company-news"),
]

for i, (path, h1, paras) in enumerate(NL_MEDICAL):
    org = ["Zilverpolis", "Ziekenhuis Rijnoever", "Thuisarts Noord", "Gezondheidsplein"][i % 4]
    add("nl", f"https://www.voorbeeld-{i % 5}.nl/{path}/", True, "medical-topic", f"{h1} | {org}", h1, paras)
for path, title, h1, paras, case in NL_HARD_MEDICAL:
    add("nl", f"https://www.voorbeeld-hard.nl/{path}/", True, case, title, h1, paras)
for i, (path, h1, paras, case) in enumerate(NL_GENERAL):
    add("nl", f"https://www.voorbeeld-{i % 5}.nl/{path}/", False, case, f"{h1} | Zilverpolis", h1, paras)
# A single-specialty clinic: its contact page is medical through the site.
add("nl", "https://www.ggz-horizon.nl/", True, "single-specialty-home", "GGZ Horizon | Behandeling bij depressie en angst", "GGZ Horizon",
    ["Wij behandelen depressie, angststoornissen en trauma.", "Aanmelden kan met een verwijzing."], site="ggz-horizon")
add("nl", "https://www.ggz-horizon.nl/behandelingen/emdr/", True, "single-specialty-topic", "EMDR | GGZ Horizon", "EMDR",
    ["EMDR helpt bij trauma en PTSS.", "Een behandeling duurt zes tot tien sessies."], site="ggz-horizon")
add("nl", "https://www.ggz-horizon.nl/contact/", True, "single-specialty-contact", "Contact | GGZ Horizon", "Contact",
    ["Bel ons op werkdagen.", "Ons adres staat hieronder."], site="ggz-horizon")
add("nl", "https://www.ggz-horizon.nl/wachttijden/", True, "single-specialty-general", "Wachttijden | GGZ Horizon", "Wachttijden",
    ["De wachttijd voor een intake is vier weken.", "Wij houden u op de hoogte."], site="ggz-horizon")

# --- English -----------------------------------------------------------------------------------
EN_MEDICAL = [
    ("conditions/depression", "Depression", ["Depression is more than feeling low for a few days.", "Talking therapies and antidepressants can help."]),
    ("conditions/type-2-diabetes", "Type 2 diabetes", ["Type 2 diabetes causes high blood sugar.", "Treatment often starts with metformin and lifestyle changes."]),
    ("conditions/breast-cancer", "Breast cancer", ["Breast cancer is the most common cancer in women.", "Treatment may include surgery, radiotherapy and chemotherapy."]),
    ("conditions/asthma", "Asthma", ["Asthma makes your airways inflamed and narrow.", "An inhaler helps to control the symptoms."]),
    ("conditions/anxiety", "Generalised anxiety disorder", ["You may feel anxious most days and find it hard to relax.", "Cognitive behavioural therapy is often recommended."]),
    ("conditions/hiv", "HIV", ["HIV attacks the immune system.", "Antiretroviral treatment lets people live long, healthy lives."]),
    ("conditions/endometriosis", "Endometriosis", ["Endometriosis can cause painful periods and infertility.", "Treatment includes painkillers, hormone therapy and surgery."]),
    ("conditions/psoriasis", "Psoriasis", ["Psoriasis causes flaky patches of skin.", "A dermatologist can prescribe creams or biologics."]),
    ("conditions/stroke", "Stroke", ["A stroke happens when blood supply to the brain is cut off.", "Rehabilitation helps recovery after a stroke."]),
    ("conditions/dementia", "Dementia", ["Dementia affects memory and thinking.", "A memory clinic can make a diagnosis."]),
    ("conditions/eating-disorders", "Eating disorders", ["Anorexia and bulimia are serious mental illnesses.", "Specialist treatment is available."]),
    ("conditions/chlamydia", "Chlamydia", ["Chlamydia is a common sexually transmitted infection.", "It is treated with antibiotics."]),
    ("treatments/ivf", "IVF", ["In vitro fertilisation helps people who cannot conceive.", "Eggs are collected and fertilised in a lab, then an embryo is transferred."]),
    ("treatments/hip-replacement", "Hip replacement", ["A hip replacement replaces a damaged joint.", "Physiotherapy helps you recover after the operation."]),
    ("treatments/chemotherapy", "Chemotherapy", ["Chemotherapy uses medicine to kill cancer cells.", "Side effects include tiredness and nausea."]),
    ("services/physiotherapy", "Physiotherapy", ["Our physiotherapists treat back pain and sports injuries.", "You can refer yourself."]),
    ("services/mental-health", "Mental health services", ["We offer psychological therapies for depression and anxiety.", "Ask your GP for a referral."]),
    ("services/maternity", "Maternity care", ["Our midwives support you through pregnancy and birth.", "Book your antenatal appointment early."]),
    ("departments/cardiology", "Cardiology", ["Our cardiologists treat heart failure and arrhythmia.", "You may need an ECG or echocardiogram."]),
    ("departments/oncology", "Oncology", ["Our cancer centre offers chemotherapy and radiotherapy.", "A specialist nurse supports you throughout."]),
    ("medicines/sertraline", "Sertraline", ["Sertraline is an SSRI antidepressant.", "Common side effects include nausea and trouble sleeping."]),
    ("cover/fertility-treatment", "Fertility treatment cover", ["Our plans cover up to three cycles of IVF.", "Check your policy before treatment starts."]),
    ("cover/physio", "Physiotherapy cover", ["Claim for physiotherapy sessions after an injury.", "We pay up to ten sessions a year."]),
]
EN_GENERAL = [
    ("prices", "Prices and premiums", ["Get a quote for your health insurance premium.", "Choose the excess that suits you."], "premium-with-treatment-menu"),
    ("contact-us", "Contact us", ["Call us Monday to Friday.", "Or send us a message."], "contact"),
    ("careers", "Careers", ["See our vacancies in IT and customer service.", "Join our team."], "careers"),
    ("privacy-policy", "Privacy policy", ["We process your personal data with care.", "Read how we use cookies."], "privacy"),
    ("annual-report", "Annual report 2025", ["Our financial results for 2025.", "Membership grew by three per cent."], "annual-report"),
    ("visiting", "Visiting hours", ["Visitors are welcome from 11am to 8pm.", "Parking is available next to the main entrance."], "visiting-hours"),
    ("appointments", "Book an appointment", ["Book, change or cancel your appointment online.", "Have your reference number ready."], "generic-appointments"),
    ("about-us", "About us", ["Our hospital has departments for cardiology, oncology, neurology and orthopaedics.", "We train the next generation of staff."], "hospital-about-us"),
    ("glossary", "Glossary of policy terms", ["Physiotherapy: treatment by a physiotherapist. IVF: in vitro fertilisation. Chemotherapy: cancer treatment with medicine.", "Dialysis: replacing kidney function. Maternity care: care after giving birth. Psychotherapy: talking treatment for depression."], "policy-glossary"),
    ("news/new-chief-executive", "New chief executive appointed", ["The board has appointed a new chief executive.", "She previously led a charity that funds research into asthma."], "company-news-one-disease"),
    ("news/customer-awards", "Customer service award", ["We won an award for customer service.", "Thank you to everyone who voted."], "company-news"),
    ("complaints", "Complaints", ["Not happy with our service? Make a complaint online.", "The treatment of your request takes up to four weeks."], "false-friend-complaints"),
    ("claims", "How to claim", ["Send your invoice through the app.", "We pay within ten days."], "claims"),
    ("travel", "Travelling abroad", ["Take your insurance card when you travel.", "Call our helpline in an emergency."], "travel"),
    ("board", "Our board", ["The board has five members.", "They set the strategy."], "about"),
    ("directions", "Getting here", ["The hospital is next to the north station.", "Follow the signs by car."], "directions"),
    ("cookies", "Cookie policy", ["We use functional and analytics cookies.", "You can change your preferences at any time."], "privacy"),
    ("newsletter", "Newsletter", ["Sign up for our newsletter.", "It arrives once a month."], "newsletter"),
    ("volunteering", "Volunteering", ["Volunteer at our hospital shop.", "Help visitors find their way."], "careers"),
    ("sustainability", "Sustainability", ["We are cutting our carbon emissions.", "Our roof is covered in solar panels."], "about"),
    ("log-in", "Log in", ["Log in to your account.", "Forgot your password? Reset it here."], "login"),
    ("pay", "Paying your premium", ["Pay monthly or yearly.", "Yearly payment gets a discount."], "premium"),
    ("accessibility", "Accessibility", ["Our website follows accessibility guidelines.", "Report a problem using the form."], "about"),
]
for i, (path, h1, paras) in enumerate(EN_MEDICAL):
    add("en", f"https://www.example-{i % 4}.co.uk/{path}/", True, "medical-topic", f"{h1} | Riverside Health", h1, paras)
for i, (path, h1, paras, case) in enumerate(EN_GENERAL):
    add("en", f"https://www.example-{i % 4}.co.uk/{path}/", False, case, f"{h1} | Riverside Health", h1, paras)
add("en", "https://www.example-hard.co.uk/cover/ivf/", True, "generic-body-treatment-url", "IVF cover | Riverside", "IVF cover",
    ["See what your plan includes.", "Log in to view your benefits."])

# --- German ------------------------------------------------------------------------------------
DE_MEDICAL = [
    ("krankheiten/depression", "Depression", ["Bei einer Depression ist die Stimmung über Wochen gedrückt.", "Psychotherapie und Antidepressiva helfen."]),
    ("krankheiten/diabetes", "Diabetes Typ 2", ["Bei Diabetes ist der Blutzucker zu hoch.", "Die Behandlung beginnt oft mit Metformin."]),
    ("krankheiten/brustkrebs", "Brustkrebs", ["Brustkrebs ist die häufigste Krebserkrankung bei Frauen.", "Behandelt wird mit Operation, Bestrahlung und Chemotherapie."]),
    ("krankheiten/asthma", "Asthma", ["Bei Asthma sind die Atemwege entzündet.", "Ein Spray lindert die Beschwerden."]),
    ("krankheiten/migraene", "Migräne", ["Migräne verursacht starke Kopfschmerzen.", "Triptane können einen Anfall verkürzen."]),
    ("krankheiten/arthrose", "Arthrose", ["Bei Arthrose nutzt sich der Knorpel ab.", "Physiotherapie lindert die Schmerzen."]),
    ("leistungen/kinderwunsch", "Künstliche Befruchtung", ["Die Kasse übernimmt einen Teil der Kosten einer IVF.", "Eine Beratung beim Frauenarzt ist Pflicht."]),
    ("leistungen/physiotherapie", "Physiotherapie", ["Physiotherapie nach einem Bandscheibenvorfall wird erstattet.", "Sie brauchen ein Rezept."]),
    ("leistungen/psychotherapie", "Psychotherapie", ["Bei psychischen Erkrankungen hilft eine Psychotherapie.", "Die Sprechstunde beim Psychotherapeuten ist der erste Schritt."]),
    ("fachbereiche/kardiologie", "Kardiologie", ["Unsere Kardiologen behandeln Herzinsuffizienz und Vorhofflimmern.", "Ein EKG gehört zur Untersuchung."]),
    ("fachbereiche/onkologie", "Onkologie", ["Wir behandeln Krebs mit Chemotherapie und Strahlentherapie.", "Eine Pflegekraft begleitet Sie."]),
    ("fachbereiche/geburtshilfe", "Geburtshilfe", ["Hebammen begleiten Schwangerschaft und Geburt.", "Ein Kaiserschnitt ist manchmal nötig."]),
    ("medikamente/insulin", "Insulin", ["Insulin senkt den Blutzucker.", "Die Diabetesberatung zeigt das Spritzen."]),
    ("krankheiten/schlaganfall", "Schlaganfall", ["Ein Schlaganfall ist ein Notfall.", "Die Reha beginnt früh."]),
    ("krankheiten/hiv", "HIV", ["HIV schwächt das Immunsystem.", "Mit Therapie ist ein langes Leben möglich."]),
    ("krankheiten/adhs", "ADHS", ["ADHS zeigt sich durch Unruhe und Unaufmerksamkeit.", "Methylphenidat kann helfen."]),
]
DE_GENERAL = [
    ("tarife", "Tarife und Beiträge", ["Berechnen Sie Ihren Beitrag.", "Wählen Sie Ihren Tarif."], "premium-with-treatment-menu"),
    ("kontakt", "Kontakt", ["Rufen Sie uns an.", "Oder schreiben Sie uns."], "contact"),
    ("karriere", "Karriere", ["Unsere Stellenangebote in der Verwaltung.", "Werden Sie Teil des Teams."], "careers"),
    ("datenschutz", "Datenschutzerklärung", ["Wir schützen Ihre Daten.", "So verwenden wir Cookies."], "privacy"),
    ("geschaeftsbericht", "Geschäftsbericht 2025", ["Das Ergebnis für 2025.", "Die Zahl der Versicherten stieg."], "annual-report"),
    ("besuchszeiten", "Besuchszeiten", ["Besuch ist von 11 bis 20 Uhr möglich.", "Parken Sie im Parkhaus."], "visiting-hours"),
    ("termine", "Termin vereinbaren", ["Vereinbaren Sie online einen Termin.", "Halten Sie Ihre Karte bereit."], "generic-appointments"),
    ("ueber-uns", "Über uns", ["Unser Klinikum hat Abteilungen für Kardiologie, Onkologie, Neurologie und Orthopädie.", "Wir bilden Fachkräfte aus."], "hospital-about-us"),
    ("glossar", "Glossar", ["Physiotherapie: Behandlung durch Therapeuten. IVF: künstliche Befruchtung. Chemotherapie: Behandlung von Krebs.", "Dialyse: Blutwäsche bei Nierenversagen. Psychotherapie: Gespräche bei Depression."], "policy-glossary"),
    ("presse/neuer-vorstand", "Neuer Vorstand", ["Der Aufsichtsrat hat einen neuen Vorstand gewählt.", "Er war zuvor bei einer Stiftung für Diabetes tätig."], "company-news-one-disease"),
    ("anfahrt", "Anfahrt", ["Das Klinikum liegt am Nordbahnhof.", "Folgen Sie der Beschilderung."], "directions"),
    ("newsletter", "Newsletter", ["Abonnieren Sie unseren Newsletter.", "Er erscheint monatlich."], "newsletter"),
    ("app", "Unsere App", ["Mit der App erledigen Sie alles schnell.", "Laden Sie sie herunter."], "app"),
    ("impressum", "Impressum", ["Angaben gemäß Telemediengesetz.", "Vertreten durch den Vorstand."], "privacy"),
    ("nachhaltigkeit", "Nachhaltigkeit", ["Wir senken unseren CO2-Ausstoß.", "Das Dach trägt Solarzellen."], "about"),
    ("login", "Anmelden", ["Melden Sie sich an.", "Passwort vergessen?"], "login"),
]
for i, (path, h1, paras) in enumerate(DE_MEDICAL):
    add("de", f"https://www.beispiel-{i % 3}.de/{path}/", True, "medical-topic", f"{h1} | Gesundheitskasse", h1, paras)
for i, (path, h1, paras, case) in enumerate(DE_GENERAL):
    add("de", f"https://www.beispiel-{i % 3}.de/{path}/", False, case, f"{h1} | Gesundheitskasse", h1, paras)

# --- French ------------------------------------------------------------------------------------
FR_MEDICAL = [
    ("maladies/depression", "Dépression", ["La dépression se traduit par une tristesse durable.", "La psychothérapie et les antidépresseurs aident."]),
    ("maladies/diabete", "Diabète de type 2", ["Le diabète se caractérise par un excès de sucre dans le sang.", "Le traitement commence souvent par la metformine."]),
    ("maladies/cancer-du-sein", "Cancer du sein", ["Le cancer du sein est le cancer le plus fréquent chez la femme.", "Le traitement associe chirurgie, radiothérapie et chimiothérapie."]),
    ("maladies/asthme", "Asthme", ["L'asthme est une inflammation des bronches.", "Un inhalateur soulage les symptômes."]),
    ("maladies/migraine", "Migraine", ["La migraine provoque des maux de tête intenses.", "Les triptans raccourcissent la crise."]),
    ("maladies/arthrose", "Arthrose", ["L'arthrose use le cartilage des articulations.", "La kinésithérapie soulage la douleur."]),
    ("remboursements/fiv", "Remboursement de la FIV", ["L'Assurance maladie prend en charge quatre tentatives de FIV.", "Une consultation chez le gynécologue est nécessaire."]),
    ("remboursements/kinesitherapie", "Kinésithérapie", ["Les séances de kinésithérapie sont remboursées sur ordonnance.", "Après une opération du genou, la rééducation est importante."]),
    ("remboursements/psychologue", "Séances de psychologue", ["Huit séances chez un psychologue sont remboursées.", "Votre médecin traitant vous oriente."]),
    ("services/cardiologie", "Cardiologie", ["Nos cardiologues traitent l'insuffisance cardiaque.", "Un électrocardiogramme est réalisé."]),
    ("services/oncologie", "Oncologie", ["Nous traitons le cancer par chimiothérapie.", "Une infirmière vous accompagne."]),
    ("services/maternite", "Maternité", ["Nos sages-femmes vous accompagnent pendant la grossesse.", "Une césarienne est parfois nécessaire."]),
    ("medicaments/insuline", "Insuline", ["L'insuline fait baisser la glycémie.", "L'infirmière vous apprend les injections."]),
    ("maladies/avc", "AVC", ["Un AVC est une urgence.", "La rééducation commence tôt."]),
    ("maladies/vih", "VIH", ["Le VIH affaiblit le système immunitaire.", "Le traitement permet de vivre longtemps."]),
    ("maladies/tdah", "TDAH", ["Le TDAH se manifeste par l'agitation et l'inattention.", "Un suivi avec un psychiatre est utile."]),
]
FR_GENERAL = [
    ("tarifs", "Tarifs et cotisations", ["Calculez votre cotisation mensuelle.", "Choisissez votre formule."], "premium-with-treatment-menu"),
    ("contact", "Nous contacter", ["Appelez-nous en semaine.", "Ou écrivez-nous."], "contact"),
    ("carrieres", "Carrières", ["Nos offres d'emploi au siège.", "Rejoignez l'équipe."], "careers"),
    ("confidentialite", "Politique de confidentialité", ["Nous protégeons vos données personnelles.", "Voici comment nous utilisons les cookies."], "privacy"),
    ("rapport-annuel", "Rapport annuel 2025", ["Nos résultats financiers pour 2025.", "Le nombre d'adhérents a augmenté."], "annual-report"),
    ("horaires", "Horaires de visite", ["Les visites sont possibles de 11 h à 20 h.", "Un parking est disponible."], "visiting-hours"),
    ("rendez-vous", "Prendre rendez-vous", ["Prenez rendez-vous en ligne.", "Munissez-vous de votre carte."], "generic-appointments"),
    ("qui-sommes-nous", "Qui sommes-nous", ["Notre hôpital compte des services de cardiologie, d'oncologie, de neurologie et d'orthopédie.", "Nous formons les soignants de demain."], "hospital-about-us"),
    ("lexique", "Lexique des garanties", ["Kinésithérapie : rééducation par un kiné. FIV : fécondation in vitro. Chimiothérapie : traitement du cancer.", "Dialyse : épuration du sang en cas d'insuffisance rénale. Psychothérapie : thérapie par la parole pour la dépression."], "policy-glossary"),
    ("actualites/nouveau-directeur", "Un nouveau directeur", ["Le conseil d'administration a nommé un nouveau directeur.", "Il dirigeait auparavant une fondation de recherche sur le diabète."], "company-news-one-disease"),
    ("acces", "Plan d'accès", ["L'hôpital se trouve près de la gare du Nord.", "Suivez les panneaux."], "directions"),
    ("newsletter", "Newsletter", ["Abonnez-vous à notre newsletter.", "Elle paraît chaque mois."], "newsletter"),
    ("application", "Notre application", ["Gérez tout depuis l'application.", "Téléchargez-la gratuitement."], "app"),
    ("mentions-legales", "Mentions légales", ["Éditeur du site et hébergeur.", "Directeur de la publication."], "privacy"),
    ("developpement-durable", "Développement durable", ["Nous réduisons nos émissions.", "Le toit est couvert de panneaux solaires."], "about"),
    ("connexion", "Connexion", ["Connectez-vous à votre espace.", "Mot de passe oublié ?"], "login"),
]
for i, (path, h1, paras) in enumerate(FR_MEDICAL):
    add("fr", f"https://www.exemple-{i % 3}.fr/{path}/", True, "medical-topic", f"{h1} | Mutuelle Horizon", h1, paras)
for i, (path, h1, paras, case) in enumerate(FR_GENERAL):
    add("fr", f"https://www.exemple-{i % 3}.fr/{path}/", False, case, f"{h1} | Mutuelle Horizon", h1, paras)

# --- Failure patterns found on real pages (issue #13) -------------------------------------------------
# Pages that mention many care types without being about one: a home page with teasers, an overview of
# reimbursements, an about page, a children's hospital's introduction, news about the organisation that
# names two conditions, a rule book for all care, a supplementary policy's product page. Each names every
# care type about once: body text alone must not make them medical. Against them, pages whose text is
# about one concept, and the pages of single-specialty sites that carry no medical words at all.
PATTERN_GENERAL = [
    ("nl", "https://www.patroon-polis.nl/", "care-type-list-home", "Patroonpolis | Zorgverzekering voor iedereen", "Goed verzekerd, ook volgend jaar",
     ["Wilt u een kind? Lees wat wij vergoeden bij IVF en andere vruchtbaarheidsbehandelingen.",
      "Last van uw rug? Fysiotherapie zit in elk aanvullend pakket.",
      "Even niet lekker in uw vel? Psychologische zorg dichtbij, zonder lange wachttijd.",
      "Bekijk ook onze vergoeding voor de tandarts en de kraamzorg na de bevalling.",
      "Bereken uw premie in twee minuten en stap eenvoudig over."]),
    ("nl", "https://www.patroon-polis.nl/vergoedingen/", "care-type-list-overview", "Alle vergoedingen | Patroonpolis", "Vergoedingen van A tot Z",
     ["Acupunctuur, anticonceptie, brillen en lenzen, diëtist, fysiotherapie.",
      "Hoortoestellen, IVF, kraamzorg, logopedie, orthodontie, podotherapie.",
      "Psycholoog, revalidatie, steunzolen, tandarts en de ziekenhuisopname.",
      "Kies een onderwerp om te zien wat uw pakket vergoedt."]),
    ("nl", "https://www.patroon-ziekenhuis.nl/wie-wij-zijn/", "hospital-about-many-conditions", "Wie wij zijn | Ziekenhuis Patroon", "Wie wij zijn",
     ["Ziekenhuis Patroon is een algemeen ziekenhuis met drie locaties in de regio.",
      "Onze specialisten behandelen jaarlijks duizenden mensen met hartfalen, diabetes, borstkanker en COPD.",
      "Ook voor een heupprothese, een staaroperatie of hulp bij een eetstoornis kunt u bij ons terecht.",
      "Wij werken samen met huisartsen, de thuiszorg en de verpleeghuizen in de buurt.",
      "Onze 2.400 medewerkers zetten zich elke dag in voor goede zorg."]),
    ("nl", "https://www.patroon-ziekenhuis.nl/kinderziekenhuis/", "children-hospital-introduction", "Ons kinderziekenhuis | Ziekenhuis Patroon", "Welkom in het kinderziekenhuis",
     ["In het kinderziekenhuis zijn kinderen van nul tot achttien jaar welkom.",
      "Kinderen komen bij ons met astma, epilepsie, diabetes of na een gebroken arm.",
      "Ouders kunnen blijven slapen in de ouderkamer naast de afdeling.",
      "Er is een speelkamer, een school en elke woensdag komt de clown langs."]),
    ("nl", "https://www.patroon-ziekenhuis.nl/actueel/nieuwbouw-van-start/", "org-news-two-conditions", "Nieuwbouw van start | Ziekenhuis Patroon", "Bouw van het nieuwe ziekenhuis begonnen",
     ["Maandag sloeg de wethouder de eerste paal voor het nieuwe gebouw.",
      "Straks komen de poliklinieken voor reuma en migraine samen op de begane grond.",
      "Het gebouw is in 2029 klaar en wordt gasloos verwarmd.",
      "Tijdens de bouw blijft de hoofdingang gewoon open."]),
    ("nl", "https://www.patroon-polis.nl/reglementen/zorgreglement-2027/", "rules-for-all-care", "Zorgreglement 2027 | Patroonpolis", "Zorgreglement 2027",
     ["Artikel 1. Dit reglement geldt voor alle zorg uit de basisverzekering en de aanvullende verzekeringen.",
      "Artikel 2. Voor ggz, wijkverpleging en revalidatie heeft u een verwijzing nodig.",
      "Artikel 3. Voor hulpmiddelen, fysiotherapie en ziekenvervoer geldt een machtiging vooraf.",
      "Artikel 4. Zorg in het buitenland vergoeden wij tot het Nederlandse tarief.",
      "Artikel 5. Bezwaar maakt u binnen zes weken na ons besluit."]),
    ("nl", "https://www.patroon-polis.nl/aanvullende-verzekering/extra-plus/", "supplementary-product", "Extra Plus | Patroonpolis", "Aanvullend pakket Extra Plus",
     ["Met Extra Plus krijgt u 18 behandelingen fysiotherapie per jaar.",
      "Daarnaast vergoeden wij 500 euro voor alternatieve geneeswijzen en de diëtist.",
      "Ook de anticonceptiepil, een bril tot 150 euro en orthodontie voor kinderen zitten erin.",
      "De premie is 34 euro per maand."]),
    ("en", "https://www.pattern-health.co.uk/", "care-type-list-home", "Pattern Health | Health insurance", "Cover that fits your life",
     ["Thinking about starting a family? See how we support IVF.",
      "Back pain? Physiotherapy is included in every plan.",
      "Mental health support is available from day one, with no referral.",
      "Add dental cover or maternity cover when you need it.",
      "Get a quote in two minutes."]),
    ("de", "https://www.muster-kasse.de/", "care-type-list-home", "Musterkasse | Ihre Krankenkasse", "Gut versichert",
     ["Kinderwunsch? Wir beraten Sie zur künstlichen Befruchtung.",
      "Rückenschmerzen? Physiotherapie ist Teil unserer Leistungen.",
      "Psychotherapie ohne lange Wartezeit, auch online.",
      "Zahnersatz und Vorsorge für Schwangere gehören ebenfalls dazu.",
      "Jetzt Mitglied werden."]),
    ("fr", "https://www.mutuelle-modele.fr/", "care-type-list-home", "Mutuelle Modèle | Complémentaire santé", "Votre santé, notre engagement",
     ["Un projet de bébé ? Découvrez nos remboursements pour la FIV.",
      "Mal au dos ? La kinésithérapie est prise en charge.",
      "Un soutien psychologique sans avance de frais.",
      "Les soins dentaires et la maternité sont couverts.",
      "Demandez votre devis en ligne."]),
]
for lang, url, case, title, h1, paras in PATTERN_GENERAL:
    add(lang, url, False, case, title, h1, paras)

# Running text about one concept, under a URL and title that say nothing: medical on the text alone.
add("nl", "https://www.patroon-polis.nl/artikel/4411/", True, "one-concept-dominates", "Uw vraag | Patroonpolis", "Uw vraag beantwoord",
    ["Wat vergoedt de basisverzekering bij IVF?",
     "De basisverzekering vergoedt de eerste drie IVF-pogingen bij vrouwen tot 43 jaar.",
     "Een IVF-poging begint met de hormoonbehandeling en eindigt met de terugplaatsing van het embryo.",
     "Na drie IVF-pogingen zonder zwangerschap vergoedt het aanvullende pakket een vierde poging."])

# Single-specialty sites: their contact, referral and route pages carry no medical words. The host name
# says the specialty, so each is medical on its own; a general hospital that names its specialties in its
# home title is not single-specialty, so its contact page stays general.
add("nl", "https://www.hartcentrum-oost.nl/contact/", True, "single-specialty-contact-no-words", "Contact | Oost", "Contact",
    ["Bel ons op werkdagen tussen 8 en 17 uur.", "Ons adres: Stationsplein 4, Deventer."])
add("nl", "https://www.ivfkliniek-zuid.nl/verwijzers/", True, "single-specialty-contact-no-words", "Voor verwijzers | Kliniek Zuid", "Voor verwijzers",
    ["Stuur uw verwijzing via Zorgdomein of per post.", "Wij nemen binnen vijf werkdagen contact op met uw patiënt."])
add("nl", "https://www.ggzwaterland.nl/route/", True, "single-specialty-contact-no-words", "Route | Waterland", "Route en parkeren",
    ["Vanaf het station loopt u tien minuten.", "Parkeren kan gratis achter het gebouw."])
add("nl", "https://www.rijnoever-ziekenhuis.nl/", False, "general-hospital-names-specialties", "Ziekenhuis Rijnoever | topklinische hartzorg en kankerzorg", "Welkom bij Ziekenhuis Rijnoever",
    ["Maak een afspraak, bereid uw bezoek voor of zoek een specialisme.", "Bezoektijden zijn dagelijks van 14 tot 20 uur."],
    site="rijnoever-ziekenhuis")
add("nl", "https://www.rijnoever-ziekenhuis.nl/contact/", False, "general-hospital-names-specialties", "Contact | Ziekenhuis Rijnoever", "Contact",
    ["Bel ons op werkdagen tussen 8 en 17 uur.", "Ons adres: Rijnkade 1, Arnhem."], site="rijnoever-ziekenhuis")


def render(p):
    lang = p["lang"]
    menu = "".join(f'<li><a href="/{html.escape(m.lower())}/">{html.escape(m)}</a></li>' for m in MENU[lang])
    paras = "\n".join(f"    <p>{html.escape(t)}</p>" for t in p["paragraphs"])
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{html.escape(p["title"])}</title>
<meta name="description" content="{html.escape(p["paragraphs"][0])}">
{p["head"]}
</head>
<body>
  <header><a href="/">Home</a><nav class="main-menu"><ul>{menu}</ul></nav></header>
  <div id="cookie-banner" class="cookie-consent">Cookies? <button>OK</button></div>
  <main>
    <h1>{html.escape(p["h1"])}</h1>
{paras}
  </main>
  <footer>{html.escape(FOOTER[lang])}</footer>
</body>
</html>
"""


def main():
    os.makedirs(ROOT, exist_ok=True)
    rows = []
    counters = {}
    for n, p in enumerate(PAGES):
        counters[p["lang"]] = counters.get(p["lang"], 0) + 1
        name = f"{p['lang']}/{counters[p['lang']]:03d}.html"
        path = os.path.join(ROOT, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(render(p))
        # Every third page is held out: weights and lexicon were tuned on the others only.
        split = "test" if n % 3 == 0 else "dev"
        rows.append([name, p["url"], p["lang"], "1" if p["medical"] else "0", p["case"], p["site"] or "", split])
    with open(os.path.join(ROOT, "labels.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "url", "lang", "medical", "case", "site", "split"])
        w.writerows(rows)
    medical = sum(1 for p in PAGES if p["medical"])
    print(f"wrote {len(PAGES)} pages ({medical} medical)")


if __name__ == "__main__":
    main()
