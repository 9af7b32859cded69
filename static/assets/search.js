// Kogi site search: queries the static index that gen/search builds under
// assets/search/ (see the comment at the top of gen/search/search.go for
// the files). Normalize, the tokenizer, the term plan, the ranking and the
// snippet below mirror gen/search/token.go and lookup.go step for step, so
// that Go tests measure and check exactly what this script does; change
// both together. Index data and the query are untrusted: they reach the page
// only through textContent and createTextNode, never as HTML.
(() => {
  'use strict';
  const form = document.querySelector('form.site-search');
  const input = form && form.querySelector('input[name="q"]');
  if (!input || !window.fetch || !window.TextEncoder) return;

  const base = (form.dataset.base || '').replace(/\/+$/, '');
  const root = base + '/assets/search/';
  const MAX_WORD = 32;
  const MAX_TOKENS = 12; // search.MaxTokens
  const LIMIT = 10;
  const K1 = 1.2;
  const B = 0.75;

  // --- text: Normalize, Runs, Tokenize (token.go) ---

  const HALF = '。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン';
  const voiced = (k, semi) => {
    if (k >= 0x30cf && k <= 0x30db && (k - 0x30cf) % 3 === 0) return semi ? k + 2 : k + 1;
    if (semi) return 0;
    if (k === 0x30a6) return 0x30f4;
    if ((k >= 0x30ab && k <= 0x30c2 && (k - 0x30ab) % 2 === 0) ||
        (k >= 0x30c4 && k <= 0x30c9 && (k - 0x30c4) % 2 === 0)) return k + 1;
    return 0;
  };
  const normalize = (s) => {
    const out = [];
    for (const ch of s) {
      let r = ch.codePointAt(0);
      if (r >= 0xff01 && r <= 0xff5e) r -= 0xfee0;
      else if (r === 0x3000) r = 0x20;
      else if (r === 0xff9e || r === 0xff9f) {
        const v = out.length ? voiced(out[out.length - 1], r === 0xff9f) : 0;
        if (v) { out[out.length - 1] = v; continue; }
        r = 0x309b + r - 0xff9e;
      } else if (r >= 0xff61 && r <= 0xff9d) r = HALF.charCodeAt(r - 0xff61);
      out.push(r);
    }
    return out.map((r) => String.fromCodePoint(r)).join('');
  };
  const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ーヶ]$/u;
  const WORD = /^[\p{L}\p{N}\p{M}]$/u;
  const isCJK = (c) => CJK.test(c);
  const isWord = (c) => WORD.test(c) && !isCJK(c);
  const lower = (c) => {
    if (c === '\u0130') return c;
    const l = c.toLowerCase();
    return Array.from(l).length === 1 ? l : c;
  };
  const runs = (s) => {
    const out = [];
    let cur = [];
    let start = 0;
    let cjk = false;
    const flush = () => {
      if (!cur.length) return;
      if (!cjk && cur.length > MAX_WORD) cur = cur.slice(0, MAX_WORD);
      out.push({ text: cur.join(''), cjk, pos: start });
      cur = [];
    };
    let i = 0;
    for (const c of s) {
      const k = isCJK(c);
      if (k || isWord(c)) {
        if (cur.length && cjk !== k) flush();
        if (!cur.length) { start = i; cjk = k; }
        cur.push(k ? c : lower(c));
      } else flush();
      i++;
    }
    flush();
    return out;
  };
  const bigrams = (text) => {
    const rs = Array.from(text);
    if (rs.length < 2) return [text];
    const out = [];
    for (let i = 0; i + 1 < rs.length; i++) out.push(rs[i] + rs[i + 1]);
    return out;
  };

  // --- the query plan: terms (lookup.go) ---

  const terms = (query) => {
    const ts = [];
    let n = 0;
    for (const r of runs(normalize(query))) {
      if (ts.some((t) => t.run.text === r.text)) continue;
      const rs = Array.from(r.text);
      const t = { run: r, uni: false, toks: [], offs: [] };
      if (!r.cjk) { t.toks = [r.text]; t.offs = [0]; }
      else if (rs.length === 1) { t.uni = true; t.toks = [r.text]; t.offs = [0]; }
      else {
        for (let i = 0; i + 1 < rs.length; i += 2) { t.toks.push(rs[i] + rs[i + 1]); t.offs.push(i); }
        if (rs.length % 2 === 1) { t.toks.push(rs[rs.length - 2] + rs[rs.length - 1]); t.offs.push(rs.length - 2); }
      }
      if (n + t.toks.length > MAX_TOKENS) {
        if (n > 0) break;
        t.toks = t.toks.slice(0, MAX_TOKENS);
        t.offs = t.offs.slice(0, MAX_TOKENS);
        t.run = { ...r, text: rs.slice(0, t.offs[MAX_TOKENS - 1] + 2).join('') };
      }
      n += t.toks.length;
      ts.push(t);
    }
    return ts;
  };

  // --- the index files ---

  const enc = new TextEncoder();
  const shardOf = (tok, shards) => {
    let h = 0x811c9dc5;
    for (const b of enc.encode(tok)) h = Math.imul(h ^ b, 16777619) >>> 0;
    return h % shards;
  };
  let meta = null; // docs.json, with titleRuns added
  const cache = new Map(); // URL → Promise
  const get = (name, kind) => {
    const url = root + name + (meta ? '?v=' + encodeURIComponent(meta.hash) : '');
    if (!cache.has(url)) {
      const p = fetch(url, name === 'docs.json' ? { cache: 'no-cache' } : {}).then((r) => {
        if (!r.ok) throw new Error(name + ': HTTP ' + r.status);
        if (kind === 'shard') return r.arrayBuffer().then(parseShard);
        return kind === 'text' ? r.text() : r.json();
      });
      p.catch(() => cache.delete(url));
      cache.set(url, p);
    }
    return cache.get(url);
  };
  const loadMeta = async () => {
    if (meta) return meta;
    const m = await get('docs.json', 'json');
    if (m.version !== 2) throw new Error('docs.json: version ' + m.version);
    let total = 0;
    m.info = m.docs.map((d) => {
      total += d[3];
      return { url: String(d[0]), title: String(d[1]), course: String(d[2]), n: d[3], key: String(d[4]), titleRuns: runs(String(d[1])) };
    });
    m.avg = total / Math.max(1, m.info.length);
    meta = m;
    return m;
  };
  // A shard (shard.go): per token, its length and UTF-8 bytes, then its
  // list's length and the list, all lengths and numbers as uvarints.
  const uvarint = (b, at) => {
    let x = 0;
    let mul = 1;
    for (;;) {
      if (at.i >= b.length) { at.i = b.length + 1; return 0; }
      const c = b[at.i++];
      x += (c & 0x7f) * mul;
      if (c < 0x80) return x;
      mul *= 128;
    }
  };
  const dec = new TextDecoder();
  const parseShard = (buf) => {
    const b = new Uint8Array(buf);
    const m = new Map();
    const at = { i: 0 };
    while (at.i < b.length) {
      const n = uvarint(b, at);
      const tok = dec.decode(b.subarray(at.i, at.i + n));
      at.i += n;
      const l = uvarint(b, at);
      if (at.i + l > b.length) throw new Error('shard truncated');
      m.set(tok, b.subarray(at.i, at.i + l));
      at.i += l;
    }
    return m;
  };
  const postings = (list, uni) => {
    const m = new Map();
    const at = { i: 0 };
    let doc = 0;
    while (at.i < list.length) {
      doc += uvarint(list, at);
      const n = uvarint(list, at);
      if (uni) {
        m.set(doc, [n, uvarint(list, at)]);
        continue;
      }
      const ps = [];
      let p = 0;
      for (let j = 0; j < n && at.i < list.length; j++) { p += uvarint(list, at); ps.push(p); }
      m.set(doc, ps);
    }
    return m;
  };

  // --- ranking (lookup.go: Search) ---

  const inTitle = (t, title) => title.some((r) =>
    r.cjk === t.run.cjk && (r.text === t.run.text || (r.cjk && r.text.includes(t.run.text))));
  const has = (sorted, x) => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo < sorted.length && sorted[lo] === x;
  };
  const phrases = (post, offs, d) => {
    let n = 0;
    let first = -1;
    for (const p of post[0].get(d)) {
      let all = true;
      for (let i = 1; i < post.length && all; i++) all = has(post[i].get(d), p + offs[i]);
      if (all) { if (n === 0) first = p; n++; }
    }
    return [n, first];
  };

  const search = async (query) => {
    const ts = terms(query);
    if (!ts.length) return [];
    const m = await loadMeta();
    const post = await Promise.all(ts.map((t) => Promise.all(t.toks.map(async (tok) => {
      const sh = await get('s/' + shardOf(tok, m.shards).toString(16).padStart(2, '0') + '.bin', 'shard');
      return postings(sh.get(tok) || new Uint8Array(0), t.uni);
    }))));

    const hits = [];
    m.info.forEach((info, d) => {
      const row = [];
      for (let i = 0; i < ts.length; i++) {
        const t = ts[i];
        const mt = { occ: 0, first: -1, phrase: false, title: inTitle(t, info.titleRuns) };
        const all = post[i].every((p) => (p.get(d) || []).length > 0);
        if (all && t.uni) {
          [mt.occ, mt.first] = post[i][0].get(d);
          mt.phrase = true;
        } else if (all) {
          [mt.occ, mt.first] = phrases(post[i], t.offs, d);
          mt.phrase = mt.occ > 0;
          if (!mt.phrase) {
            mt.first = post[i][0].get(d)[0];
            mt.occ = Math.min(...post[i].map((p) => p.get(d).length));
          }
        }
        if (!all && !mt.title) return;
        row.push(mt);
      }
      hits.push({ doc: d, row, phrases: 0, score: 0 });
    });
    const df = ts.map((_, i) => hits.filter((h) => h.row[i].phrase || h.row[i].title).length);
    const n = m.info.length;
    for (const h of hits) {
      const norm = K1 * (1 - B + B * m.info[h.doc].n / Math.max(m.avg, 1));
      h.row.forEach((mt, i) => {
        const idf = Math.log(1 + (n - df[i] + 0.5) / (df[i] + 0.5));
        let w = mt.occ * (K1 + 1) / (mt.occ + norm);
        if (!mt.phrase) w *= 0.3;
        if (mt.title) w += 2;
        h.score += idf * w;
        if (mt.phrase || mt.title) h.phrases++;
      });
    }
    hits.sort((a, b) => b.phrases - a.phrases || (b.score > a.score) - (b.score < a.score) || a.doc - b.doc);
    return Promise.all(hits.slice(0, LIMIT).map((h) => snippet(m, h, ts)));
  };

  // --- snippets (lookup.go: snippet) ---

  const snippetPos = (h) => {
    const p = h.row.find((mt) => mt.phrase) || h.row.find((mt) => mt.first >= 0);
    return p ? p.first : 0;
  };
  const snippet = async (m, h, ts) => {
    const info = m.info[h.doc];
    const r = { url: info.url, title: info.title, course: info.course, snippet: [], marks: [] };
    if (!info.n) return r;
    const w = m.overlap;
    const start = Math.max(0, Math.min(snippetPos(h) - Math.trunc(w * 3 / 10), info.n - w));
    const k = Math.trunc(start / m.chunk);
    const text = Array.from(await get('t/' + info.key + '-' + k + '.txt', 'text'));
    const from = start - k * m.chunk;
    const win = text.slice(from, Math.min(text.length, from + w));
    const low = win.map(lower);
    const marks = [];
    ts.forEach((t, i) => {
      const pats = t.run.cjk && !h.row[i].phrase ? bigrams(t.run.text) : [t.run.text];
      for (const p of pats) {
        const pr = Array.from(p);
        for (let j = 0; j + pr.length <= low.length; j++) {
          if (pr.every((c, x) => low[j + x] === c)) marks.push([j, j + pr.length]);
        }
      }
    });
    marks.sort((a, b) => a[0] - b[0]);
    const shift = start > 0 ? 1 : 0;
    r.snippet = (shift ? ['…'] : []).concat(win, start + win.length < info.n ? ['…'] : []);
    for (const [a, b] of marks) {
      const last = r.marks[r.marks.length - 1];
      if (last && a + shift <= last[1]) last[1] = Math.max(last[1], b + shift);
      else r.marks.push([a + shift, b + shift]);
    }
    return r;
  };

  // --- the page ---

  const panel = document.createElement('div');
  panel.className = 'search-panel';
  panel.hidden = true;
  const status = document.createElement('p');
  status.className = 'search-status';
  status.setAttribute('role', 'status');
  const list = document.createElement('ul');
  list.className = 'search-results';
  list.id = (input.id || 'site-search') + '-results';
  list.setAttribute('aria-label', '検索結果');
  panel.append(status, list);
  form.append(panel);
  input.setAttribute('aria-controls', list.id);
  input.setAttribute('aria-expanded', 'false');

  const open = (yes) => {
    panel.hidden = !yes;
    input.setAttribute('aria-expanded', String(yes));
  };
  const links = () => Array.from(list.querySelectorAll('a'));
  const safeURL = (u) => (u.startsWith('/') && !u.startsWith('//') ? base + u : null);

  const render = (results) => {
    list.replaceChildren();
    for (const r of results) {
      const href = safeURL(r.url);
      if (!href) continue;
      const a = document.createElement('a');
      a.href = href;
      const title = document.createElement('span');
      title.className = 'search-title';
      title.textContent = r.title || r.url;
      a.append(title);
      if (r.course) {
        const c = document.createElement('span');
        c.className = 'search-course';
        c.textContent = r.course;
        a.append(c);
      }
      const s = document.createElement('span');
      s.className = 'search-snippet';
      let at = 0;
      for (const [from, to] of r.marks) {
        s.append(document.createTextNode(r.snippet.slice(at, from).join('')));
        const mark = document.createElement('mark');
        mark.textContent = r.snippet.slice(from, to).join('');
        s.append(mark);
        at = to;
      }
      s.append(document.createTextNode(r.snippet.slice(at).join('')));
      a.append(s);
      const li = document.createElement('li');
      li.append(a);
      list.append(li);
    }
    const n = list.childElementCount;
    status.textContent = n >= LIMIT ? '上位 ' + n + ' 件' : n ? n + ' 件' : '見つかりませんでした';
  };

  let seq = 0;
  let timer = 0;
  let shownFor = null; // the query whose results the list shows
  const run = async () => {
    const q = input.value;
    const my = ++seq;
    if (!terms(q).length) { list.replaceChildren(); status.textContent = ''; shownFor = null; open(false); return; }
    try {
      const results = await search(q);
      if (my !== seq) return;
      render(results);
    } catch (e) {
      if (my !== seq) return;
      list.replaceChildren();
      status.textContent = '検索できませんでした';
    }
    shownFor = q;
    open(true);
  };

  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(run, 150); });
  input.addEventListener('focus', () => { if (status.textContent) open(true); });
  // Enter goes to the best match, searching first if the list is not for
  // what is typed.
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearTimeout(timer);
    if (shownFor !== input.value) await run();
    const first = shownFor === input.value && links()[0];
    if (first) first.click();
  });
  form.addEventListener('keydown', (e) => {
    const ls = links();
    const i = ls.indexOf(document.activeElement);
    if (e.key === 'Escape') {
      if (panel.hidden) return;
      input.focus(); // first: focusing the input reopens the panel
      open(false);
      e.preventDefault();
    } else if (e.key === 'ArrowDown' && ls.length) {
      open(true);
      ls[Math.min(i + 1, ls.length - 1)].focus();
      e.preventDefault();
    } else if (e.key === 'ArrowUp' && i >= 0) {
      (i === 0 ? input : ls[i - 1]).focus();
      e.preventDefault();
    }
  });
  // Close when focus or a click goes elsewhere. Not on focusout: Safari does
  // not focus a link that is clicked, so the panel would vanish under the
  // pointer before the click lands.
  document.addEventListener('focusin', (e) => { if (!form.contains(e.target)) open(false); });
  document.addEventListener('click', (e) => { if (!form.contains(e.target)) open(false); });

  const q = new URLSearchParams(location.search).get('q');
  if (q) { input.value = q; run(); }
})();
