// pixelaudit's consent engine, page side: it reads the page and clicks the one control it is told to click.
// What a control means and which element is the consent notice are decided in Rust (the word rules and
// the notice scoring); this side only lists candidates and controls with what can be seen of them.
// Evaluated by the browser layer as `(ENGINE)(rules, op, tool, arg)`, in the page's frame or in an isolated
// world of an iframe.
(function (rules, op, toolName, arg) {
  'use strict';
  const norm = (s) => String(s || '').toLowerCase().replace(/\s+/g, ' ').trim();

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
    };
  }

  const CONTROLS = 'button, a, [role=button], [role=link], input[type=button], input[type=submit]';
  const MAX_CONTROLS = 40;
  // The controls of a layer, in a fixed order: first those the tool's rule names (with the kind the rule
  // gives them), then every other visible control in document order. A click names a control by its place
  // in this list and its text, so the list must come out the same on every call over the same DOM.
  function controlsIn(box, named) {
    const out = [];
    const seen = new Set();
    for (const [kind, selectors] of named) {
      for (const sel of selectors || []) {
        const el = query(box, sel);
        if (el && visible(el) && !seen.has(el)) { seen.add(el); out.push({ el, kind }); break; }
      }
    }
    for (const el of walk(box)) {
      if (out.length >= MAX_CONTROLS) break;
      if (seen.has(el) || !el.matches(CONTROLS) || !visible(el) || !textOf(el)) continue;
      seen.add(el);
      out.push({ el, kind: null });
    }
    return out;
  }
  const listed = (controls) => controls.map((c, i) => Object.assign(describe(c.el), { index: i, rule_kind: c.kind }));

  // Elements that may be a notice: dialog-like, fixed or sticky, or named like a banner, visible, with text.
  const MAX_CANDIDATES = 60;
  function candidateElements() {
    const out = [];
    for (const el of walk(document)) {
      if (out.length >= MAX_CANDIDATES) break;
      if (el === document.body || el === document.documentElement || /^(script|style|head|meta|link|noscript|template)$/i.test(el.tagName)) continue;
      const s = getComputedStyle(el);
      const role = el.getAttribute('role') || '';
      const hint = ((el.id || '') + ' ' + (typeof el.className === 'string' ? el.className : '')).toLowerCase();
      const dialogLike = s.position === 'fixed' || s.position === 'sticky' || role === 'dialog' || role === 'alertdialog' ||
        el.getAttribute('aria-modal') === 'true' || el.tagName === 'DIALOG' || (role === 'region' && el.getAttribute('aria-label')) ||
        /cookie|consent|gdpr|privacy|banner|cmp|notice|toast|popup|modal/.test(hint);
      if (!dialogLike || el.matches(CONTROLS) || !visible(el)) continue;
      if (textOf(el).length < 20) continue;
      out.push(el);
    }
    return out;
  }
  function features(el, i) {
    const s = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const count = (sel) => { let n = 0; for (const e of walk(el)) if (e.matches(sel)) n++; return n; };
    const text = textOf(el);
    return {
      index: i,
      tag: el.tagName.toLowerCase(),
      role: el.getAttribute('role') || '',
      aria_modal: el.getAttribute('aria-modal') === 'true',
      aria_label: norm(el.getAttribute('aria-label') || '').slice(0, 120),
      hint: ((el.id || '') + ' ' + (typeof el.className === 'string' ? el.className : '')).toLowerCase().slice(0, 160),
      position: s.position,
      z_index: parseInt(s.zIndex, 10) || 0,
      x: Math.round(r.left), y: Math.round(r.top), width: Math.round(r.width), height: Math.round(r.height),
      viewport_width: innerWidth, viewport_height: innerHeight,
      text: text.slice(0, 800),
      text_length: text.length,
      controls: controlsIn(el, []).slice(0, 25).map((c) => textOf(c.el).slice(0, 80)),
      email_inputs: count('input[type=email]'),
      date_inputs: count('input[type=date], input[type=number], select'),
    };
  }
  // The candidate named by its place and the start of its text; if the DOM moved, the one with that text.
  function candidateAt(i, text) {
    const all = candidateElements();
    const want = norm(text).slice(0, 60);
    if (all[i] && textOf(all[i]).slice(0, 60) === want) return all[i];
    return all.find((el) => textOf(el).slice(0, 60) === want) || null;
  }

  function ruleFor(name) { return rules.find((r) => r.id === name) || null; }
  function layerRoot(rule) {
    if (rule && rule.first_layer.shadow_host) {
      const host = query(document, rule.first_layer.shadow_host);
      return host ? (host.shadowRoot || host) : null;
    }
    return document;
  }
  // The first layer: the rule's container, or the candidate the Rust side chose.
  function firstLayer(rule, spec) {
    if (rule) {
      const root = layerRoot(rule);
      if (!root) return null;
      const el = query(root, rule.first_layer.container);
      return el && visible(el) ? el : null;
    }
    return spec ? candidateAt(spec.candidate, spec.text) : null;
  }
  function secondLayer(rule, spec) {
    if (rule) {
      const root = layerRoot(rule) || document;
      return (rule.second_layer.container && query(root, rule.second_layer.container)) || root;
    }
    return spec ? candidateAt(spec.candidate, spec.text) : null;
  }
  const firstNamed = (rule) => rule ? [['accept', rule.first_layer.accept], ['reject', rule.first_layer.reject], ['settings', rule.first_layer.settings]] : [];
  const secondNamed = (rule) => rule ? [['reject', rule.second_layer.reject], ['save', rule.second_layer.save]] : [];

  // Checked boxes or switches for purposes other than the strictly necessary ones, before any interaction.
  function preTicked(scope) {
    const out = [];
    for (const el of walk(scope || document)) {
      const isBox = el.matches('input[type=checkbox]') || el.getAttribute('role') === 'switch';
      if (!isBox) continue;
      const checked = el.checked === true || el.getAttribute('aria-checked') === 'true';
      if (!checked || el.disabled || el.getAttribute('aria-disabled') === 'true') continue;
      const label = (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el.closest('label') || el.parentElement;
      out.push(textOf(label || el).slice(0, 80) || el.name || el.id || 'unnamed');
    }
    return out;
  }
  function untick(scope) {
    for (const box of walk(scope)) {
      if (box.matches('input[type=checkbox]') && box.checked && !box.disabled) box.click();
      if (box.getAttribute('role') === 'switch' && box.getAttribute('aria-checked') === 'true' && box.getAttribute('aria-disabled') !== 'true') box.click();
    }
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
  // Short visible controls of the whole page, for the Rust side to find one that reopens the banner.
  function pageControls() {
    const out = [];
    for (const el of walk(document)) {
      if (out.length >= 400) break;
      if (!el.matches(CONTROLS) || !visible(el)) continue;
      const t = textOf(el);
      if (t && t.length <= 60) out.push({ el, text: t });
    }
    return out;
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
  function inspect(rule, spec) {
    const box = firstLayer(rule, spec);
    if (!box) return { found: false };
    return { found: true, text: textOf(box).slice(0, 400), controls: listed(controlsIn(box, firstNamed(rule))), pre_ticked: preTicked(rule && rule.second_layer.container ? secondLayer(rule, spec) : box) };
  }
  function inspectSecond(rule, spec) {
    const scope = secondLayer(rule, spec);
    if (!scope) return { found: false };
    return { found: true, controls: listed(controlsIn(scope, secondNamed(rule))) };
  }
  // Clicks the control at `spec.control` of the first or second layer, when its text is still `spec.control_text`.
  function click(rule, spec) {
    const second = spec.layer === 'second';
    const scope = second ? secondLayer(rule, spec) : firstLayer(rule, spec);
    if (!scope) return { clicked: false, problem: 'the banner is gone' };
    if (second && spec.untick) untick(scope);
    const controls = controlsIn(scope, second ? secondNamed(rule) : firstNamed(rule));
    let target = controls[spec.control];
    if (!target || textOf(target.el).slice(0, 120) !== spec.control_text) {
      target = controls.find((c) => textOf(c.el).slice(0, 120) === spec.control_text);
    }
    if (!target) return { clicked: false, problem: 'the control is gone' };
    const d = describe(target.el);
    target.el.click();
    return { clicked: true, control: d };
  }
  function state(rule, spec) {
    const box = firstLayer(rule, spec);
    const named = rule ? rule.reopen.map((sel) => query(document, sel)).find((el) => el && visible(el)) : null;
    return {
      banner_visible: !!box,
      overlay: blockingOverlay(),
      reopen_by_rule: named ? describe(named) : null,
      page_controls: pageControls().map((c) => c.text),
      local_storage: Object.keys(localStorage || {}),
    };
  }

  const rule = toolName === 'generic' ? null : ruleFor(toolName);
  switch (op) {
    case 'detect': return detect();
    case 'candidates': return candidateElements().map(features);
    case 'inspect': return inspect(rule, arg);
    case 'inspect_second': return inspectSecond(rule, arg);
    case 'click': return click(rule, arg);
    case 'state': return state(rule, arg);
    case 'describe_page_control': { const c = pageControls()[arg.index]; return c && c.text === arg.text ? describe(c.el) : null; }
    case 'tcf':
      return new Promise((resolve) => {
        if (typeof window.__tcfapi !== 'function') return resolve(null);
        const t = setTimeout(() => resolve(null), 1000);
        const part = (data, group, kind) => (data[group] && data[group][kind]) || {};
        window.__tcfapi('getTCData', 2, (data, ok) => {
          clearTimeout(t);
          resolve(ok && data ? {
            tc_string: data.tcString || '',
            purpose_consents: part(data, 'purpose', 'consents'),
            purpose_legitimate_interests: part(data, 'purpose', 'legitimateInterests'),
            vendor_consents: part(data, 'vendor', 'consents'),
            vendor_legitimate_interests: part(data, 'vendor', 'legitimateInterests'),
          } : null);
        });
      });
  }
  return null;
})
