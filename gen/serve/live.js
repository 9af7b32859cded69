// Kogi dev server client. gen serve adds it to every HTML response (it is
// never written into the built site) and tells it over Server-Sent Events
// how each build went: a new site reloads the page; a failed build shows its
// errors over the page, which keeps showing the last good build, until a
// build succeeds. Server text is only ever set as textContent.
(() => {
  'use strict';
  const me = document.currentScript;
  const site = (me && me.dataset.kogiSite) || '';
  let box = null;

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  const hide = () => {
    if (box) box.remove();
    box = null;
  };

  const css = `
    :host { all: initial; }
    .backdrop { position: fixed; inset: 0; z-index: 2147483647; overflow: auto;
      background: rgba(0, 0, 0, .6); padding: 2rem 1rem; box-sizing: border-box; }
    .panel { max-width: 60rem; margin: 0 auto; background: #1e1e1e; color: #eee;
      border-top: 6px solid #e5484d; border-radius: 6px; padding: 1rem 1.25rem;
      font: 14px/1.5 system-ui, "Hiragino Sans", "Noto Sans CJK JP", "Yu Gothic UI", sans-serif; }
    h2 { font-size: 1.1rem; margin: 0 0 .25rem; color: #ff8589; }
    p { margin: 0 0 .75rem; color: #bbb; }
    pre { margin: 0 0 .75rem; padding: .75rem; background: #111; border-radius: 4px;
      white-space: pre-wrap; overflow-wrap: anywhere;
      font: 13px/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
    pre.warnings { color: #f5d90a; }
    button { font: inherit; color: #eee; background: #333; border: 1px solid #666;
      border-radius: 4px; padding: .25rem .75rem; cursor: pointer; }
    button:focus-visible { outline: 2px solid #fff; outline-offset: 2px; }`;

  const show = (errors, warnings) => {
    hide();
    box = el('div');
    box.id = 'kogi-overlay';
    const root = box.attachShadow({ mode: 'open' });
    const backdrop = el('div', 'backdrop');
    const panel = el('div', 'panel');
    panel.setAttribute('role', 'alertdialog');
    panel.setAttribute('aria-labelledby', 'kogi-title');
    const title = el('h2', '', 'ビルドに失敗しました (build failed)');
    title.id = 'kogi-title';
    panel.append(title,
      el('p', '', '最後に成功したビルドを表示しています。ファイルを直して保存すると、この表示は消えます。'),
      el('pre', 'errors', errors.join('\n')));
    if (warnings.length) panel.append(el('pre', 'warnings', warnings.join('\n')));
    const close = el('button', '', '閉じる (Esc)');
    close.type = 'button';
    close.addEventListener('click', hide);
    panel.append(close);
    backdrop.append(panel);
    root.append(el('style', '', css), backdrop);
    document.documentElement.append(box);
    close.focus();
  };

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && box) hide();
  });

  const onStatus = (data) => {
    let st;
    try {
      st = JSON.parse(data);
    } catch {
      return;
    }
    if (!st.ok) {
      show(st.errors || [], st.warnings || []);
      return;
    }
    if (st.site !== site) {
      location.reload();
      return;
    }
    hide();
  };

  // One stream shared by every tab (see live-worker.js); a browser without
  // SharedWorker (Chrome on Android) opens its own.
  try {
    const port = new SharedWorker('/__kogi/live-worker.js', { name: 'kogi-live' }).port;
    port.onmessage = (e) => onStatus(e.data);
    port.start();
    addEventListener('pagehide', () => port.postMessage('bye'));
  } catch {
    const events = new EventSource('/__kogi/events');
    events.addEventListener('status', (e) => onStatus(e.data));
    addEventListener('pagehide', () => events.close());
  }
})();
