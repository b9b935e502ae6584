// pixelaudit's form filler: types recognisable test values into the page's forms, as a visitor would,
// without submitting anything, and reports what it typed. Search forms are left alone (the site search is
// probed separately). Evaluated once per visit after the page has settled.
(function (values) {
  'use strict';
  const typed = [];
  const pick = (el) => {
    const hint = [el.type, el.name, el.id, el.getAttribute('autocomplete'), el.getAttribute('placeholder'),
      el.labels && el.labels[0] ? el.labels[0].innerText : ''].join(' ').toLowerCase();
    if (el.tagName === 'TEXTAREA') return values.symptom;
    if (el.type === 'email' || /mail/.test(hint)) return values.email;
    if (el.type === 'tel' || /tel|phone|mobiel|telefoon/.test(hint)) return values.phone;
    if (el.type === 'date' || /geboort|birth|bday|dob/.test(hint)) return values.birth_date;
    if (/naam|name/.test(hint)) return values.name;
    if (el.type === 'text' || el.type === '') return values.name;
    return null;
  };
  for (const form of document.querySelectorAll('form')) {
    if (form.querySelector('input[type=search]') || form.getAttribute('role') === 'search') continue;
    for (const el of form.querySelectorAll('input, textarea')) {
      if (el.disabled || el.readOnly || ['hidden', 'checkbox', 'radio', 'submit', 'button', 'password', 'file'].includes(el.type)) continue;
      const value = pick(el);
      if (value === null) continue;
      el.focus();
      el.value = value;
      for (const type of ['input', 'change', 'blur']) el.dispatchEvent(new Event(type, { bubbles: true }));
      typed.push(value);
    }
  }
  return typed;
})
