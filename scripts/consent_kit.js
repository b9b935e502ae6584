/* pixelaudit fixture: a stand-in consent tool, written for the test web. One kit, configured per tool to
   show that tool's DOM structure (ids and classes as the real tools use them) and behaviour: it renders the
   banner (in the page, a shadow root or an iframe), stores the choice, and only then runs the page's
   blocked scripts (<script type="text/plain" data-consent="statistics|marketing">). No vendor code. */
(function (cfg) {
  if (window.__pixelauditCmp) return;
  window.__pixelauditCmp = cfg.name;
  if (cfg.global) window[cfg.global] = window[cfg.global] || { fixture: true };
  var domain = location.hostname.split('.').slice(-2).join('.');

  function readChoice() {
    if (cfg.storage === 'localStorage') {
      try { var v = localStorage.getItem(cfg.key); return v ? JSON.parse(v) : null; } catch (e) { return null; }
    }
    var m = document.cookie.match(new RegExp('(?:^|; )' + cfg.key + '=([^;]*)'));
    if (!m) return null;
    try { return JSON.parse(decodeURIComponent(m[1])); } catch (e) { return null; }
  }
  function storeChoice(choice) {
    var value = JSON.stringify(choice);
    if (cfg.storage === 'localStorage') localStorage.setItem(cfg.key, value);
    else document.cookie = cfg.key + '=' + encodeURIComponent(value) + '; path=/; max-age=31536000; domain=.' + domain + '; SameSite=Lax';
  }
  function activate(choice) {
    var blocked = document.querySelectorAll('script[type="text/plain"][data-consent]');
    blocked.forEach(function (old) {
      if (!choice[old.getAttribute('data-consent')]) return;
      var s = document.createElement('script');
      if (old.src) s.src = old.src; else s.text = old.text;
      old.type = 'text/done';
      document.head.appendChild(s);
    });
  }
  function showReopen() {
    if (!cfg.reopen) return;
    var holder = document.createElement('div');
    holder.innerHTML = cfg.reopen;
    var el = holder.firstElementChild;
    el.addEventListener('click', function (e) { e.preventDefault(); document.cookie = cfg.key + '=; path=/; max-age=0; domain=.' + domain; location.reload(); });
    document.body.appendChild(el);
  }
  function showWall() {
    var wall = document.createElement('div');
    wall.id = 'pixelaudit-wall';
    wall.setAttribute('style', 'position:fixed;inset:0;background:rgba(255,255,255,0.97);z-index:99999;display:flex;align-items:center;justify-content:center;flex-direction:column;font:18px sans-serif');
    wall.innerHTML = '<p>Deze website is alleen te bekijken als u alle cookies accepteert.</p><button type="button" style="padding:10px 24px;background:#2a7;color:#fff;border:0">Cookies accepteren</button>';
    wall.querySelector('button').addEventListener('click', function () { decide({ statistics: true, marketing: true }); wall.remove(); });
    document.body.appendChild(wall);
  }
  var root = null, frame = null;
  function close() {
    if (frame) frame.remove();
    if (cfg.mount === 'shadow') { var host = document.getElementById(cfg.shadowHost); if (host) host.remove(); }
    else if (root) root.remove();
  }
  function decide(choice) {
    storeChoice(choice);
    close();
    activate(choice);
    if (!choice.marketing && !choice.statistics && cfg.wallOnReject) showWall(); else showReopen();
  }
  function toggles(scope) {
    var choice = { statistics: false, marketing: false };
    scope.querySelectorAll('input[data-purpose]').forEach(function (t) { choice[t.getAttribute('data-purpose')] = t.checked; });
    return choice;
  }
  function wire(scope) {
    scope.querySelectorAll('[data-pa]').forEach(function (el) {
      el.addEventListener('click', function (e) {
        e.preventDefault();
        var action = el.getAttribute('data-pa');
        if (action === 'dead') return;
        if (action === 'settings') { var second = scope.querySelector('[data-pa-layer=second]'); if (second) second.style.display = 'block'; return; }
        if (action === 'accept') decide({ statistics: true, marketing: true });
        else if (action === 'reject') decide({ statistics: false, marketing: false });
        else if (action === 'save') decide(toggles(scope));
      });
    });
  }
  if (cfg.tcf) {
    window.__tcfapi = function (command, version, callback) {
      var c = readChoice();
      if (command === 'getTCData' || command === 'addEventListener') {
        var on = !!(c && c.marketing);
        callback({ tcString: c ? (on ? 'CPfixtureACCEPTALL' : 'CPfixtureREJECTALL') : '', gdprApplies: true,
                   eventStatus: c ? 'useractioncomplete' : 'cmpuishown',
                   purpose: { consents: { 1: on, 2: on, 3: on, 4: on, 7: on, 9: on } } }, true);
      }
    };
  }
  function render() {
    var existing = readChoice();
    if (existing) {
      activate(existing);
      if (!existing.marketing && !existing.statistics && cfg.wallOnReject) showWall(); else showReopen();
      return;
    }
    if (cfg.mount === 'iframe') {
      frame = document.createElement('iframe');
      frame.id = cfg.frameId;
      frame.title = 'Cookie consent';
      frame.src = cfg.frameSrc + '?domain=' + encodeURIComponent(location.hostname);
      frame.setAttribute('style', 'position:fixed;left:0;right:0;bottom:0;width:100%;height:190px;border:0;z-index:9999;background:#fff;box-shadow:0 -2px 8px rgba(0,0,0,.3)');
      document.body.appendChild(frame);
      window.addEventListener('message', function (e) {
        if (!e.data || !e.data.pixelauditConsent) return;
        decide(e.data.pixelauditConsent === 'accept' ? { statistics: true, marketing: true } : { statistics: false, marketing: false });
      });
      return;
    }
    var holder = document.createElement('div');
    holder.innerHTML = cfg.html;
    if (cfg.mount === 'shadow') {
      var host = document.createElement('div');
      host.id = cfg.shadowHost;
      document.body.appendChild(host);
      var shadow = host.attachShadow({ mode: 'open' });
      shadow.innerHTML = cfg.html;
      wire(shadow);
      return;
    }
    root = holder.firstElementChild;
    document.body.appendChild(root);
    wire(root);
  }
  if (document.body) render(); else document.addEventListener('DOMContentLoaded', render);
})
