// Frame scrubber of ```gallery blocks: a range input (keyboard and touch for
// free), arrow keys on the picture, and dragging it sideways. Without this
// script the strip simply scrolls.
(() => {
  'use strict';
  for (const s of document.querySelectorAll('.kogi-scrub')) {
    const n = Number(s.dataset.frames);
    const ts = (s.dataset.t || '').split(' ');
    const view = s.querySelector('.kogi-scrub-view');
    const ctl = s.querySelector('.kogi-scrub-control');
    if (!(n > 1) || !view || !ctl) continue;
    const input = ctl.querySelector('input');
    const out = ctl.querySelector('output');
    const set = (i) => {
      i = Math.max(0, Math.min(n - 1, Math.round(i)));
      input.value = String(i);
      s.style.setProperty('--i', String(i));
      out.textContent = ts[i] ?? String(i);
    };
    s.classList.add('live');
    ctl.hidden = false;
    set(0);
    input.addEventListener('input', () => set(Number(input.value)));
    view.addEventListener('keydown', (e) => {
      const i = Number(input.value);
      const to = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: n - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      set(to);
    });
    // Dragging across the whole picture runs through every frame. (The
    // browser's own image drag would cancel the pointer events.)
    view.addEventListener('dragstart', (e) => e.preventDefault());
    let start = null;
    view.addEventListener('pointerdown', (e) => {
      start = { x: e.clientX, i: Number(input.value) };
      view.setPointerCapture(e.pointerId);
    });
    view.addEventListener('pointermove', (e) => {
      if (start) set(start.i + ((e.clientX - start.x) / view.clientWidth) * n);
    });
    const end = () => { start = null; };
    view.addEventListener('pointerup', end);
    view.addEventListener('pointercancel', end);
  }
})();
