// evalpress default theme: the search page (soeg/), as progressive enhancement.
//
// Without JavaScript the page shows a form and a message; reports never need this script. With
// it, the query (typed, or `?q=` in the address) runs against the Pagefind index that the build
// wrote into pagefind/, entirely in the browser. Words come from the page's data attributes
// (the theme's locale file); result text is inserted as text, never as HTML.
const root = document.getElementById('search');
const form = root.querySelector('form');
const input = document.getElementById('search-query');
const status = document.getElementById('search-status');
const list = document.getElementById('search-results');
const words = root.dataset;
let pagefind = null;
let latest = 0;

const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));

// Pagefind's excerpt marks the matched words with <mark>; keep those marks and only text.
function excerptNodes(excerpt) {
  const parsed = new DOMParser().parseFromString(`<p>${excerpt}</p>`, 'text/html');
  const nodes = [];
  for (const node of parsed.body.firstChild.childNodes) {
    if (node.nodeType === Node.TEXT_NODE) nodes.push(document.createTextNode(node.textContent));
    else if (node.nodeName === 'MARK') {
      const mark = document.createElement('mark');
      mark.textContent = node.textContent;
      nodes.push(mark);
    } else nodes.push(document.createTextNode(node.textContent || ''));
  }
  return nodes;
}

function resultItem(data) {
  const item = document.createElement('li');
  const heading = document.createElement('h2');
  const link = document.createElement('a');
  link.href = data.url;
  link.textContent = (data.meta && data.meta.title) || data.url;
  heading.append(link);
  const excerpt = document.createElement('p');
  excerpt.className = 'search-excerpt';
  excerpt.append(...excerptNodes(data.excerpt || ''));
  item.append(heading, excerpt);
  return item;
}

async function run(query) {
  const mine = ++latest;
  list.replaceChildren();
  if (!query.trim()) {
    status.textContent = words.hint;
    return;
  }
  status.textContent = words.searching;
  try {
    if (!pagefind) {
      pagefind = await import(`${words.bundle}pagefind.js`);
      // the index holds paths from the site root; results link under the site's base path
      await pagefind.options({ baseUrl: words.base });
    }
    const found = await pagefind.search(query);
    const data = await Promise.all(found.results.slice(0, 20).map((r) => r.data()));
    if (mine !== latest) return; // a newer query has started
    const n = found.results.length;
    const message = n === 0 ? words.none : n === 1 ? words.one : words.count;
    status.textContent = fill(message, { n, query });
    list.replaceChildren(...data.map(resultItem));
  } catch (err) {
    if (mine === latest) status.textContent = words.unavailable;
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const query = input.value;
  const url = new URL(window.location.href);
  url.searchParams.set('q', query);
  window.history.replaceState(null, '', url);
  run(query);
});

const initial = new URLSearchParams(window.location.search).get('q') || '';
input.value = initial;
run(initial);
