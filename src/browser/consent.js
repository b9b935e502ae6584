// pixelaudit's consent engine: finds a consent banner and its controls in one frame, describes them, and
// clicks one. Evaluated by the browser layer as `(ENGINE)(rules, words, op, tool)`; it only reads the page
// and clicks the control it is told to click. Runs in the page's frame or an isolated world of an iframe.
(function (rules, words, op, toolName) {
  'use strict';
  const norm = (s) => String(s || '').toLowerCase().replace(/\s+/g, ' ').trim();
  const allWords = (kind) => Object.values(words).flatMap((w) => w[kind] || []).map(norm);

  // Every element below `root`, descending into open shadow roots.
  function* walk(root) {
    const stack = [root];
    while (stack.length) {
      const node = stack.pop();
      if (!node) continue;
      if (node.nodeType === 1) yield node;
      if (node.shadowRoot) stack.push(node.shadowRoot);
      const kids = node.children || [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
  }
  function query(root, selector) {
    if (!selector) return null;
    try {
      for (const el of walk(root)) if (el.matches(selector)) return el;
    } catch (e) { return null; }
    return null;
  }
  function visible(el) {
    if (!el || !el.isConnected) return false;
    for (let e = el; e && e.nodeType === 1; e = e.parentElement || (e.getRootNode() && e.getRootNode().host)) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || Number(s.opacity) === 0) return false;
    }
    return hasBox(el);
  }
  // A wrapper whose only child is position:fixed has no box of its own; it shows through its descendants.
  function hasBox(el) {
    let seen = 0;
    for (const e of walk(el)) {
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) return true;
      if (++seen > 200) break;
    }
    return false;
  }
  const textOf = (el) => norm(el.innerText || el.textContent || el.value || el.getAttribute('aria-label') || '');

  function rgb(color) {
    const m = String(color).match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(',').map((x) => parseFloat(x));
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  function luminance(c) {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  // The first non-transparent background at or behind the element.
  function background(el) {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement || (e.getRootNode() && e.getRootNode().host)) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0.5) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  }
  function describe(el) {
    if (!el) return null;
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const fg = rgb(s.color) || { r: 0, g: 0, b: 0 };
    const ownBg = rgb(s.backgroundColor);
    const bg = background(el);
    const l1 = luminance(fg), l2 = luminance(bg);
    const tag = el.tagName.toLowerCase();
    const looksLikeButton = tag === 'button' || el.getAttribute('role') === 'button' ||
      (tag === 'input' && /button|submit/.test(el.type)) || (ownBg && ownBg.a > 0.5) ||
      parseFloat(s.borderTopWidth) > 0;
    return {
      text: textOf(el).slice(0, 120),
      tag,
      selector: el.id ? '#' + el.id : tag + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''),
      styled_as: looksLikeButton ? 'button' : 'link',
      width: Math.round(r.width),
      height: Math.round(r.height),
      color: s.color,
      background: `rgb(${bg.r}, ${bg.g}, ${bg.b})`,
      contrast: Math.round(((Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05)) * 100) / 100,
      visible: visible(el),
    };
  }

  const CONTROLS = 'button, a, [role=button], input[type=button], input[type=submit]';
  function byWords(container, kind) {
    const wanted = allWords(kind);
    let best = null;
    for (const el of walk(container)) {
      if (!el.matches(CONTROLS) || !visible(el)) continue;
      const t = textOf(el);
      if (!t) continue;
      const score = wanted.findIndex((w) => t === w || t.startsWith(w + ' ') || t.startsWith(w + ','));
      if (score >= 0 && (!best || score < best.score)) best = { el, score };
    }
    return best ? best.el : null;
  }
  function bySelectors(container, selectors) {
    for (const sel of selectors || []) {
      const el = query(container, sel);
      if (el && visible(el)) return el;
    }
    return null;
  }

  // A generic banner: a visible dialog-like or fixed element that talks about cookies or consent.
  function genericContainer() {
    const bannerWords = allWords('banner');
    let best = null;
    for (const el of walk(document)) {
      if (el === document.body || el === document.documentElement) continue;
      const s = getComputedStyle(el);
      const dialogLike = s.position === 'fixed' || s.position === 'sticky' || el.getAttribute('role') === 'dialog' ||
        el.getAttribute('aria-modal') === 'true' || el.tagName === 'DIALOG' ||
        /cookie|consent|gdpr|privacy|banner/i.test((el.id || '') + ' ' + (typeof el.className === 'string' ? el.className : ''));
      if (!dialogLike || !visible(el)) continue;
      const t = textOf(el);
      // A banner explains itself; a floating "cookie settings" button does not.
      if (t.length < 40 || !bannerWords.some((w) => t.includes(w))) continue;
      const hasControls = !!(byWords(el, 'accept') || byWords(el, 'reject'));
      // Without controls only an element that names cookies or consent outright counts as a banner.
      if (!hasControls && !/cookie|toestemming|consent|einwilligung|consentement/.test(t)) continue;
      // Prefer a banner with recognisable controls; among those, the smallest element is the banner itself
      // rather than a page wrapper.
      const better = !best || (hasControls && !best.hasControls) ||
        (hasControls === best.hasControls && t.length < textOf(best.el).length);
      if (better) best = { el, hasControls };
    }
    return best ? best.el : null;
  }

  function ruleFor(name) { return rules.find((r) => r.id === name) || null; }
  function layerRoot(rule) {
    if (rule && rule.first_layer.shadow_host) {
      const host = query(document, rule.first_layer.shadow_host);
      return host ? (host.shadowRoot || host) : null;
    }
    return document;
  }
  function container(rule) {
    if (!rule) return genericContainer();
    const root = layerRoot(rule);
    if (!root) return null;
    const el = query(root, rule.first_layer.container);
    return el && visible(el) ? el : null;
  }
  function controls(rule, box) {
    const pick = (kind) => (rule && bySelectors(box, rule.first_layer[kind])) || byWords(box, kind);
    return { accept: pick('accept'), reject: pick('reject'), settings: pick('settings') };
  }
  // Checked boxes or switches for purposes other than the strictly necessary ones, before any interaction.
  function preTicked(rule) {
    const scope = rule && rule.second_layer.container ? (query(layerRoot(rule), rule.second_layer.container) || document) : (container(rule) || document);
    const out = [];
    for (const el of walk(scope)) {
      const isBox = el.matches('input[type=checkbox]') || el.getAttribute('role') === 'switch';
      if (!isBox) continue;
      const checked = el.checked === true || el.getAttribute('aria-checked') === 'true';
      if (!checked || el.disabled || el.getAttribute('aria-disabled') === 'true') continue;
      const label = (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el.closest('label') || el.parentElement;
      out.push(textOf(label || el).slice(0, 80) || el.name || el.id || 'unnamed');
    }
    return out;
  }
  function blockingOverlay() {
    const vw = innerWidth, vh = innerHeight;
    for (const el of walk(document)) {
      const s = getComputedStyle(el);
      if (s.position !== 'fixed' || !visible(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width * r.height >= 0.6 * vw * vh) return { text: textOf(el).slice(0, 160) };
    }
    const body = document.body && getComputedStyle(document.body);
    if (body && body.overflow === 'hidden' && document.documentElement.scrollHeight > vh) return { text: 'scrolling disabled' };
    return null;
  }
  function reopenControl(rule) {
    const el = (rule && bySelectors(document, rule.reopen)) || byWords(document, 'reopen');
    return el ? describe(el) : null;
  }
  function detect() {
    const found = [];
    for (const r of rules) {
      for (const g of r.detect.globals || []) {
        if (typeof window[g] !== 'undefined') { found.push({ tool: r.id, by: 'global ' + g }); break; }
      }
      if (found.some((f) => f.tool === r.id)) continue;
      for (const sel of r.detect.selectors || []) {
        if (query(document, sel)) { found.push({ tool: r.id, by: 'element ' + sel }); break; }
      }
    }
    return found;
  }
  function inspect(rule) {
    const box = container(rule);
    if (!box) return { found: false };
    const c = controls(rule, box);
    return {
      found: true,
      text: textOf(box).slice(0, 400),
      accept: describe(c.accept),
      reject: describe(c.reject),
      settings: describe(c.settings),
      pre_ticked: preTicked(rule),
    };
  }
  // Clicks one control: `accept`, `reject`, `settings`, or on the second layer `reject2` / `save`
  // (after switching every enabled toggle off).
  function click(rule, what) {
    let el = null;
    if (what === 'reject2' || what === 'save') {
      const root = layerRoot(rule) || document;
      const scope = (rule && rule.second_layer.container && query(root, rule.second_layer.container)) || root;
      if (what === 'save') {
        for (const box of walk(scope)) {
          if (box.matches('input[type=checkbox]') && box.checked && !box.disabled) box.click();
          if (box.getAttribute('role') === 'switch' && box.getAttribute('aria-checked') === 'true' && box.getAttribute('aria-disabled') !== 'true') box.click();
        }
      }
      const kind = what === 'save' ? 'save' : 'reject';
      const selectors = rule ? rule.second_layer[what === 'save' ? 'save' : 'reject'] : [];
      el = bySelectors(scope, selectors) || byWords(scope, kind);
    } else {
      const box = container(rule);
      if (box) el = controls(rule, box)[what];
    }
    if (!el) return { clicked: false };
    const d = describe(el);
    el.click();
    return { clicked: true, control: d };
  }
  function state(rule) {
    const box = container(rule);
    return { banner_visible: !!box, overlay: blockingOverlay(), reopen: reopenControl(rule), local_storage: Object.keys(localStorage || {}) };
  }

  const rule = toolName === 'generic' ? null : ruleFor(toolName);
  switch (op) {
    case 'detect': return detect();
    case 'inspect': return inspect(rule);
    case 'click': return click(rule, arguments[4]);
    case 'state': return state(rule);
    case 'tcf':
      return new Promise((resolve) => {
        if (typeof window.__tcfapi !== 'function') return resolve(null);
        const t = setTimeout(() => resolve(null), 1000);
        window.__tcfapi('getTCData', 2, (data, ok) => { clearTimeout(t); resolve(ok ? { tc_string: data.tcString || '', purposes: (data.purpose && data.purpose.consents) || {} } : null); });
      });
  }
  return null;
})
