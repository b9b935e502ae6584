//! Collector: the page's title, visible text and links, read from the rendered document.

use serde::Deserialize;

use super::BrowserError;
use super::collector::{Collector, VisitContext};
use super::script::{World, evaluate};
use crate::observe::{Link, Observation, SearchForm};

const READ: &str = r#"(() => {
  const links = [];
  for (const a of document.querySelectorAll('a[href]')) {
    if (links.length >= 5000) break;
    links.push({ url: String(a.href), text: String(a.innerText || a.textContent || '').trim().slice(0, 300) });
  }
  const body = document.body ? String(document.body.innerText || '') : '';
  let search = null;
  for (const form of document.querySelectorAll('form')) {
    if ((form.method || 'get').toLowerCase() !== 'get') continue;
    const field = form.querySelector('input[type=search]') ||
      [...form.querySelectorAll('input[name]')].find((i) => /^(q|s|query|search|zoek|zoekterm|zoekopdracht|keyword|term|suche|recherche)$/i.test(i.name));
    if (field && field.name) { search = { action: String(form.action || location.href), param: field.name }; break; }
  }
  const html = document.documentElement ? String(document.documentElement.outerHTML).slice(0, 3000000) : '';
  const lang = document.documentElement ? String(document.documentElement.lang || '') : '';
  return { title: String(document.title || ''), text: body.slice(0, 200000), html, links, search, lang };
})()"#;

#[derive(Deserialize)]
struct PageContent {
    title: String,
    text: String,
    html: String,
    links: Vec<Link>,
    search: Option<SearchForm>,
    lang: String,
}

/// Reads title, text and links.
#[derive(Default)]
pub struct ContentCollector;

impl Collector for ContentCollector {
    async fn collect(
        &mut self,
        visit: &VisitContext,
        observation: &mut Observation,
    ) -> Result<(), BrowserError> {
        if let Some(content) = evaluate::<PageContent>(&visit.page, World::default(), READ).await? {
            observation.visit.title = Some(content.title);
            observation.text = Some(content.text);
            observation.html = Some(content.html);
            observation.search_form = content.search;
            observation.lang = Some(content.lang).filter(|l| !l.is_empty());
            observation.links = content.links;
        }
        Ok(())
    }
}
