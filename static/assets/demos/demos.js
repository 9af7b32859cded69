// Kogi in-browser demos: turns each <figure class="kogi-demo"> that gen wrote
// into a live widget once it nears the screen. The VAE arithmetic runs in Go
// compiled to WebAssembly (wasmdemo/cmd/vaewasm), loaded once per page and
// shared by every widget; this file only draws and handles input. Pictures
// come from Go as one typed-array copy each and go to the screen with
// putImageData; frames are coalesced with requestAnimationFrame.
//
// window.kogiDemos is for tests and benchmarks: widgets[i].ready resolves when
// a widget is up (and rejects with its error), bench() times the decode path,
// frames() counts animation frames and digits drawn, firstDigitMs is the time
// from navigation to the first decoded digit on screen.
(() => {
  "use strict";

  const figures = [...document.querySelectorAll("figure.kogi-demo")];
  const api = {
    widgets: [], firstDigitMs: null, paints: 0, drawing: null,
    bench, frames,
  };
  window.kogiDemos = api;

  const LABEL_COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#8f8a86"];
  const SIDE = 28;
  const GRID = 20;          // manifold grid: GRID×GRID digits
  const STRIP = 10;         // interpolation frames
  const PAD_PX = 224;       // drawing pad's backing size (8 × 28)

  // ---------------------------------------------------------------- errors

  class DemoError extends Error {
    constructor(kind, file, detail) {
      super(detail);
      this.kind = kind;
      this.file = file;
      this.detail = detail;
    }
  }

  const baseName = (url) => String(url || "").split(/[?#]/)[0].split("/").pop();

  // Japanese for the reader, then the technical text for whoever fixes it.
  function explain(err) {
    const file = err && err.file ? "「" + baseName(err.file) + "」" : "";
    switch (err && err.kind) {
      case "weights":
        return ["データファイル" + file + "を読み込めませんでした。ファイルが壊れているか、途中までしか届いていません。ページを再読み込みしても直らないときは、講義担当者に知らせてください。", err.detail];
      case "http":
        return ["ファイル" + file + "を取得できませんでした。ネットワークの状態を確かめて、ページを再読み込みしてください。", err.detail];
      case "wasm":
        return ["プログラム" + file + "を読み込めませんでした。ファイルが壊れているか、途中までしか届いていません。ページを再読み込みしてみてください。", err.detail];
      case "nowasm":
        return ["このブラウザは WebAssembly に対応していないため、デモを動かせません。上の図は静止画です。", err.detail];
      case "markup":
        return ["デモの設定が不完全です。", err.detail];
    }
    return ["デモの実行中にエラーが起きました。", String(err && (err.stack || err.message) || err)];
  }

  // A Go call answers undefined (or a value) on success, a string on error.
  function check(res, kind, file) {
    if (typeof res === "string") throw new DemoError(kind || "go", file, res);
    return res;
  }

  // ------------------------------------------------------------- loading

  const files = new Map(); // url → {loaded, total, promise, listeners}

  function fetchBytes(url) {
    let f = files.get(url);
    if (f) return f;
    f = { loaded: 0, total: 0, listeners: new Set() };
    const tell = () => f.listeners.forEach((fn) => fn());
    f.promise = (async () => {
      let res;
      try {
        res = await fetch(url);
      } catch (e) {
        throw new DemoError("http", url, url + ": " + e.message);
      }
      if (!res.ok) throw new DemoError("http", url, url + ": HTTP " + res.status + " " + res.statusText);
      // A compressed response's Content-Length counts compressed bytes,
      // not the ones read here: then the total is unknown.
      const enc = res.headers.get("Content-Encoding");
      f.total = enc && enc !== "identity" ? 0 : Number(res.headers.get("Content-Length")) || 0;
      if (!res.body || !res.body.getReader) {
        const b = new Uint8Array(await res.arrayBuffer());
        f.loaded = f.total = b.length;
        tell();
        return b;
      }
      // The bytes come from a clone's arrayBuffer(), the progress from
      // reading the original: a body read only through a reader sometimes
      // ends as net::ERR_ABORTED in Chromium's network log although every
      // byte arrived; read this way it never did (wasmdemo's browser tests).
      const whole = res.clone().arrayBuffer();
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        f.loaded += value.length;
        tell();
      }
      const out = new Uint8Array(await whole);
      f.total = f.loaded;
      tell();
      return out;
    })();
    files.set(url, f);
    return f;
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = () => reject(new DemoError("http", src, src + ": script did not load"));
      document.head.append(s);
    });
  }

  let goRuntime = null;
  // runtime loads wasm_exec.js and the wasm once for the whole page.
  function runtime(execURL, wasmURL) {
    if (goRuntime) return goRuntime;
    goRuntime = (async () => {
      if (typeof WebAssembly !== "object" || !WebAssembly.instantiate) {
        throw new DemoError("nowasm", "", "WebAssembly is not available");
      }
      const [bytes] = await Promise.all([fetchBytes(wasmURL).promise, loadScript(execURL)]);
      const go = new window.Go();
      let instance;
      try {
        ({ instance } = await WebAssembly.instantiate(bytes, go.importObject));
      } catch (e) {
        throw new DemoError("wasm", wasmURL, e.name + ": " + e.message);
      }
      // run() executes main up to its first wait before returning: kogiVAE
      // is defined once it returns. Its promise settles when Go exits.
      go.run(instance).catch((e) => console.warn("vaewasm exited:", e));
      const k = window.kogiVAE;
      if (!k) throw new DemoError("go", wasmURL, "vae.wasm did not define kogiVAE");
      setInk(k);
      // Release the Go functions when the page goes for good; a page kept in
      // the back/forward cache keeps them, since it may come back.
      addEventListener("pagehide", (e) => { if (!e.persisted && window.kogiVAE) k.release(); });
      return k;
    })();
    return goRuntime;
  }

  const models = new Map();
  function model(k, url, kind) {
    let p = models.get(url);
    if (p) return p;
    p = fetchBytes(url).promise.then((bytes) => {
      const h = kind === "map" ? k.loadMap(bytes) : k.load(bytes);
      check(h, "weights", url);
      if (kind !== "map") return h;
      const raw = check(k.mapData(h), "weights", url);
      const n = raw.length / 9;
      return { n, x: new Float32Array(raw.buffer, 0, n), y: new Float32Array(raw.buffer, 4 * n, n), label: raw.subarray(8 * n) };
    });
    models.set(url, p);
    return p;
  }

  // ---------------------------------------------------------------- theme

  const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  const theme = {};
  function readTheme() {
    theme.fg = css("--fg") || "#1d1f23";
    theme.bg = css("--bg") || "#fff";
    theme.soft = css("--bg-soft") || "#f5f6f8";
    theme.line = css("--line") || "#dde1e6";
    theme.muted = css("--muted") || "#5b6270";
    theme.accent = css("--accent") || "#b3261e";
    theme.link = css("--link") || "#0b57d0";
  }
  readTheme();

  function rgb(colour) {
    const c = document.createElement("canvas").getContext("2d");
    c.fillStyle = colour;
    c.fillRect(0, 0, 1, 1);
    return c.getImageData(0, 0, 1, 1).data;
  }
  function setInk(k) {
    const [r, g, b] = rgb(theme.fg);
    k.setInk(r, g, b);
  }

  // ---------------------------------------------------------------- helpers

  function el(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const [key, v] of Object.entries(props || {})) {
      if (key === "class") e.className = v;
      else if (key === "text") e.textContent = v;
      else if (key.startsWith("on")) e.addEventListener(key.slice(2), v);
      else e.setAttribute(key, v);
    }
    e.append(...kids.filter((x) => x != null));
    return e;
  }

  const fmt = (v) => (v < 0 ? "−" : "\u2007") + Math.abs(v).toFixed(2);

  // A digit canvas: 28×28 backing pixels, shown large and crisp by CSS.
  function digitCanvas(label) {
    const c = el("canvas", { class: "kd-digit", width: SIDE, height: SIDE, role: "img", "aria-label": label });
    const ctx = c.getContext("2d");
    const img = new ImageData(SIDE, SIDE);
    return { c, ctx, img };
  }

  // Plane is the latent plane [-R,R]² on a canvas: a cached base layer (test
  // digits coloured by label, or the manifold grid) and markers drawn over it
  // each frame.
  class Plane {
    constructor(map, extra) {
      this.map = map;
      this.R = planeRange(map);
      this.canvas = el("canvas", Object.assign({ class: "kd-plane" }, extra || {}));
      this.ctx = this.canvas.getContext("2d");
      this.base = document.createElement("canvas");
      this.under = null; // a canvas drawn instead of the points (the grid)
      this.onresize = null;
      this.size = 0;
      new ResizeObserver(() => this.resize()).observe(this.canvas);
    }
    resize() {
      const w = Math.max(1, Math.round(this.canvas.clientWidth * (window.devicePixelRatio || 1)));
      if (w === this.size) return;
      this.size = w;
      this.canvas.width = this.canvas.height = this.base.width = this.base.height = w;
      this.drawBase();
      if (this.onresize) this.onresize();
    }
    px(x) { return (x + this.R) / (2 * this.R) * this.canvas.width; }
    py(y) { return (this.R - y) / (2 * this.R) * this.canvas.height; }
    // world coordinates of a pointer event
    at(ev) {
      const r = this.canvas.getBoundingClientRect();
      const x = ((ev.clientX - r.left) / r.width * 2 - 1) * this.R;
      const y = (1 - (ev.clientY - r.top) / r.height * 2) * this.R;
      return [clamp(x, this.R), clamp(y, this.R)];
    }
    drawBase() {
      const c = this.base.getContext("2d"), w = this.base.width, s = w / 300;
      c.fillStyle = theme.bg;
      c.fillRect(0, 0, w, w);
      if (this.under) {
        c.imageSmoothingEnabled = true;
        c.imageSmoothingQuality = "high";
        c.drawImage(this.under, 0, 0, w, w);
      }
      // unit grid lines and the axes
      c.lineWidth = Math.max(1, s);
      for (let v = -Math.floor(this.R); v <= this.R; v++) {
        c.strokeStyle = v === 0 ? theme.muted : theme.line;
        c.globalAlpha = v === 0 ? 0.6 : this.under ? 0.35 : 0.8;
        c.beginPath();
        c.moveTo(this.px(v), 0); c.lineTo(this.px(v), w);
        c.moveTo(0, this.py(v)); c.lineTo(w, this.py(v));
        c.stroke();
      }
      c.globalAlpha = 1;
      if (!this.under) {
        const m = this.map, r = 1.7 * s;
        c.globalAlpha = 0.75;
        for (let lab = 0; lab < 10; lab++) {
          c.fillStyle = LABEL_COLOURS[lab];
          c.beginPath();
          for (let i = 0; i < m.n; i++) {
            if (m.label[i] !== lab) continue;
            const x = this.px(m.x[i]), y = this.py(m.y[i]);
            c.moveTo(x + r, y);
            c.arc(x, y, r, 0, 2 * Math.PI);
          }
          c.fill();
        }
        c.globalAlpha = 1;
      }
      c.fillStyle = theme.muted;
      c.font = Math.round(12 * s) + "px system-ui, sans-serif";
      c.textBaseline = "bottom";
      c.fillText("z₁ →", w - 40 * s, w - 4 * s);
      c.textBaseline = "top";
      c.fillText("↑ z₂", 5 * s, 4 * s);
    }
    clear() { this.ctx.drawImage(this.base, 0, 0); }
    marker(x, y, label) {
      const c = this.ctx, s = this.canvas.width / 300, X = this.px(x), Y = this.py(y);
      c.lineWidth = 3 * s;
      c.strokeStyle = theme.bg;
      c.beginPath(); c.arc(X, Y, 8 * s, 0, 2 * Math.PI); c.stroke();
      c.lineWidth = 2 * s;
      c.strokeStyle = theme.accent;
      c.beginPath(); c.arc(X, Y, 8 * s, 0, 2 * Math.PI); c.stroke();
      c.beginPath(); c.moveTo(X - 12 * s, Y); c.lineTo(X - 4 * s, Y); c.moveTo(X + 4 * s, Y); c.lineTo(X + 12 * s, Y);
      c.moveTo(X, Y - 12 * s); c.lineTo(X, Y - 4 * s); c.moveTo(X, Y + 4 * s); c.lineTo(X, Y + 12 * s); c.stroke();
      if (label) {
        c.font = "700 " + Math.round(14 * s) + "px system-ui, sans-serif";
        c.textBaseline = "bottom";
        c.lineWidth = 3 * s;
        c.strokeStyle = theme.bg;
        c.strokeText(label, X + 9 * s, Y - 7 * s);
        c.fillStyle = theme.accent;
        c.fillText(label, X + 9 * s, Y - 7 * s);
      }
    }
  }

  const clamp = (v, R) => Math.max(-R, Math.min(R, v));

  // planeRange is the half-width of the plane: the 99th percentile of the
  // test digits' larger coordinate, with a margin, at least the prior's ±2.5.
  function planeRange(m) {
    const a = new Float32Array(m.n);
    for (let i = 0; i < m.n; i++) a[i] = Math.max(Math.abs(m.x[i]), Math.abs(m.y[i]));
    a.sort();
    const q = m.n ? a[Math.floor(0.99 * (m.n - 1))] : 3;
    return Math.min(8, Math.max(2.5, Math.ceil(q * 1.1 * 2) / 2));
  }

  function legend() {
    return el("ol", { class: "kd-legend", "aria-label": "点の色と数字のラベル" },
      ...LABEL_COLOURS.map((c, i) => el("li", { style: "--c:" + c }, String(i))));
  }

  function paint(ctx, img) {
    ctx.putImageData(img, 0, 0);
    api.paints++;
    if (api.firstDigitMs === null) api.firstDigitMs = performance.now();
  }

  // rAF-coalesced redraw: many pointer events, at most one render per frame.
  function frameLoop(render, fail) {
    let queued = false;
    return () => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        try { render(); } catch (e) { fail(e); }
      });
    };
  }

  // firstFrame wraps a widget's render for the plane's resize callback (the
  // first one comes once layout has sized the canvas): errors go to the
  // widget, and the first success makes the widget ready.
  function firstFrame(w, render) {
    return () => {
      try { render(); } catch (e) { w.fail(e); return; }
      w.rendered();
    };
  }

  // Arrow keys move a point; Shift moves it five times as far.
  function arrowStep(ev, R) {
    const d = (ev.shiftKey ? 5 : 1) * R / 40;
    switch (ev.key) {
      case "ArrowLeft": return [-d, 0];
      case "ArrowRight": return [d, 0];
      case "ArrowUp": return [0, d];
      case "ArrowDown": return [0, -d];
    }
    return null;
  }

  // --------------------------------------------------------------- widgets

  // vae-latent: drag a point over the 2-D latent plane, see its digit.
  function buildLatent(w, k, { h2, map }) {
    const plane = new Plane(map, {
      tabindex: "0", role: "application", "aria-roledescription": "潜在空間の平面",
      "aria-label": "潜在空間 z の平面。ドラッグするか、矢印キーで点を動かすと、その点から生成した数字が表示されます（Shift で大きく移動）",
    });
    const digit = digitCanvas("潜在空間の点から生成した数字");
    const zOut = el("output", { class: "kd-z" });
    // Read out after key presses only: a live region updated on every frame
    // of a drag would flood a screen reader.
    const said = el("span", { class: "kd-sr", "aria-live": "polite" });
    const toggle = el("button", { type: "button", class: "kd-button", "aria-pressed": "false" }, "格子表示（20×20）");
    let z = [0, 0], gridCanvas = null;
    const render = () => {
      plane.clear();
      plane.marker(z[0], z[1]);
      check(k.decode(h2, z[0], z[1], digit.img.data));
      paint(digit.ctx, digit.img);
      zOut.textContent = "z = (" + fmt(z[0]) + ", " + fmt(z[1]) + ")";
    };
    const redraw = frameLoop(render, w.fail);
    const move = (x, y) => { z = [clamp(x, plane.R), clamp(y, plane.R)]; redraw(); };

    const cv = plane.canvas;
    cv.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      cv.setPointerCapture(e.pointerId);
      move(...plane.at(e));
      e.preventDefault();
      cv.focus({ preventScroll: true });
    });
    cv.addEventListener("pointermove", (e) => { if (cv.hasPointerCapture(e.pointerId)) move(...plane.at(e)); });
    cv.addEventListener("keydown", (e) => {
      const d = arrowStep(e, plane.R);
      if (d) move(z[0] + d[0], z[1] + d[1]);
      else if (e.key === "Home") move(0, 0);
      else return;
      e.preventDefault();
      said.textContent = "z₁ " + z[0].toFixed(2) + "、z₂ " + z[1].toFixed(2);
    });
    const gridOn = () => {
      if (!gridCanvas) {
        const n = GRID * SIDE, img = new ImageData(n, n);
        check(k.grid(h2, GRID, -plane.R, plane.R, -plane.R, plane.R, img.data));
        gridCanvas = el("canvas", { width: n, height: n });
        gridCanvas.getContext("2d").putImageData(img, 0, 0);
      }
      return gridCanvas;
    };
    toggle.addEventListener("click", () => {
      const on = toggle.getAttribute("aria-pressed") !== "true";
      try { plane.under = on ? gridOn() : null; } catch (e) { w.fail(e); return; }
      toggle.setAttribute("aria-pressed", String(on));
      legendEl.hidden = on;
      plane.drawBase();
      redraw();
    });
    const legendEl = legend();
    plane.onresize = firstFrame(w, render);
    w.retheme = () => { gridCanvas = null; if (plane.under) plane.under = gridOn(); plane.drawBase(); redraw(); };
    w.state = { k, h: h2, digit, R: plane.R, redraw };
    return el("div", { class: "kd-ui kd-latent" },
      el("div", { class: "kd-main" }, plane.canvas),
      el("div", { class: "kd-side" },
        el("div", { class: "kd-digit-box" }, digit.c, el("span", { class: "kd-cap" }, "生成された数字")),
        zOut, said, toggle, legendEl,
        el("p", { class: "kd-hint" }, "平面をドラッグ（タップ）するか、フォーカスして矢印キーで動かせます。")));
  }

  // vae-draw: draw a digit, see it preprocessed, encoded and reconstructed.
  function buildDraw(w, k, { h2, h16, map }) {
    const pad = el("canvas", {
      class: "kd-pad", width: PAD_PX, height: PAD_PX, tabindex: "0", role: "application", "aria-roledescription": "描画欄",
      "aria-label": "数字を描く欄。マウス・指・ペンで描けます。キーボードでは、矢印キーでペン先を動かし（Shift で大きく）、スペースでペンを下ろす・上げる（下ろしている間は線になります）、Delete で消します",
    });
    const tip = el("span", { class: "kd-tip", hidden: "" }); // the keyboard pen's position
    const pctx = pad.getContext("2d", { willReadFrequently: true });
    const plane = new Plane(map, { role: "img", "aria-label": "描いた数字の符号化 μ の位置（潜在空間の平面）" });
    const input = digitCanvas("28×28 に前処理した入力");
    const rec2 = digitCanvas("2 次元 VAE の再構成");
    const rec16 = digitCanvas("16 次元 VAE の再構成");
    const out = new Uint8ClampedArray(3 * SIDE * SIDE * 4 + 8);
    const views = [0, 1, 2].map((i) => new ImageData(out.subarray(i * 3136, (i + 1) * 3136), SIDE, SIDE));
    const mu = new Float32Array(out.buffer, 3 * 3136, 2);
    const muOut = el("output", { class: "kd-z" }, "μ = （まだ描かれていません）");
    const said = el("span", { class: "kd-sr", "aria-live": "polite" }); // after each stroke, not each frame
    let drawn = false, last = null;
    const cells = [[input, "入力 28×28"], [rec2, "再構成（2\u00a0次元）"], [rec16, "再構成（16\u00a0次元）"]];

    const render = () => {
      plane.clear();
      if (!drawn) {
        [input, rec2, rec16].forEach((d) => d.ctx.clearRect(0, 0, SIDE, SIDE));
        muOut.textContent = "μ = （まだ描かれていません）";
        return;
      }
      const data = pctx.getImageData(0, 0, PAD_PX, PAD_PX).data;
      const ok = check(k.draw(h2, h16, data, PAD_PX, PAD_PX, out));
      if (!ok) return;
      views.forEach((img, i) => cells[i][0].ctx.putImageData(img, 0, 0));
      api.paints++;
      plane.marker(mu[0], mu[1]);
      muOut.textContent = "μ = (" + fmt(mu[0]) + ", " + fmt(mu[1]) + ")";
      api.drawing = { x: mu[0], y: mu[1] };
      document.dispatchEvent(new CustomEvent("kogi-demo-drawn", { detail: api.drawing }));
    };
    const redraw = frameLoop(render, w.fail);

    const pos = (e) => {
      const r = pad.getBoundingClientRect();
      return [(e.clientX - r.left) / r.width * PAD_PX, (e.clientY - r.top) / r.height * PAD_PX];
    };
    const stroke = () => {
      pctx.lineCap = pctx.lineJoin = "round";
      pctx.lineWidth = PAD_PX / 13;
      pctx.strokeStyle = theme.fg;
    };
    pad.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      pad.setPointerCapture(e.pointerId);
      last = pos(e);
      stroke();
      pctx.beginPath(); pctx.moveTo(...last); pctx.lineTo(last[0] + 0.01, last[1]); pctx.stroke();
      drawn = true;
      e.preventDefault();
      redraw();
    });
    pad.addEventListener("pointermove", (e) => {
      if (!last || !pad.hasPointerCapture(e.pointerId)) return;
      stroke();
      pctx.beginPath();
      pctx.moveTo(...last);
      const evs = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
      for (const c of evs.length ? evs : [e]) {
        last = pos(c);
        pctx.lineTo(...last);
      }
      pctx.stroke();
      redraw();
    });
    const end = () => {
      if (last) requestAnimationFrame(() => { said.textContent = muOut.textContent; });
      last = null;
    };
    pad.addEventListener("pointerup", end);
    pad.addEventListener("pointercancel", end);
    const clear = () => {
      pctx.clearRect(0, 0, PAD_PX, PAD_PX);
      drawn = false;
      redraw();
    };
    const clearBtn = el("button", { type: "button", class: "kd-button", onclick: clear }, "消す");

    // Keyboard drawing: arrow keys move a pen tip over the pad, space lowers
    // and lifts it, and while it is down every move draws a line.
    let kp = [PAD_PX / 2, PAD_PX / 2], down = false;
    const showTip = () => {
      tip.hidden = document.activeElement !== pad;
      tip.classList.toggle("down", down);
      tip.style.left = pad.offsetLeft + kp[0] / PAD_PX * pad.clientWidth + "px";
      tip.style.top = pad.offsetTop + kp[1] / PAD_PX * pad.clientHeight + "px";
    };
    const inkTo = (to) => {
      stroke();
      pctx.beginPath(); pctx.moveTo(...kp); pctx.lineTo(to[0] + 0.01, to[1]); pctx.stroke();
      drawn = true;
      redraw();
    };
    pad.addEventListener("keydown", (e) => {
      const step = (e.shiftKey ? 4 : 1) * PAD_PX / SIDE;
      const d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[e.key];
      if (d) {
        const to = [Math.min(PAD_PX, Math.max(0, kp[0] + d[0])), Math.min(PAD_PX, Math.max(0, kp[1] + d[1]))];
        if (down) inkTo(to);
        kp = to;
      } else if (e.key === " " || e.key === "Enter") {
        down = !down;
        if (down) inkTo(kp);
        else requestAnimationFrame(() => { said.textContent = muOut.textContent; });
      } else if (e.key === "Delete" || e.key === "Backspace") {
        down = false;
        clear();
      } else return;
      e.preventDefault();
      showTip();
    });
    pad.addEventListener("focus", showTip);
    pad.addEventListener("blur", showTip);
    plane.onresize = firstFrame(w, render);
    w.retheme = () => {
      // the pad's ink is the text colour: recolour what is drawn
      pctx.save(); pctx.globalCompositeOperation = "source-in"; pctx.fillStyle = theme.fg;
      pctx.fillRect(0, 0, PAD_PX, PAD_PX); pctx.restore();
      plane.drawBase(); redraw();
    };
    return el("div", { class: "kd-ui kd-draw" },
      el("div", { class: "kd-main" },
        el("div", { class: "kd-pad-box" }, pad, tip),
        el("div", { class: "kd-row" }, clearBtn, el("span", { class: "kd-hint" }, "マウスや指で 0〜9 の数字を 1 つ描いてください（キーボードでは矢印キーとスペース）。"))),
      el("div", { class: "kd-side" },
        el("div", { class: "kd-trio" }, ...cells.map(([d, cap]) => el("div", { class: "kd-digit-box" }, d.c, el("span", { class: "kd-cap" }, cap)))),
        el("div", { class: "kd-mini" }, plane.canvas), muOut, said));
  }

  // vae-interp: decode the straight path between two latent points.
  function buildInterp(w, k, { h2, map }) {
    const plane = new Plane(map, {
      tabindex: "0", role: "application", "aria-roledescription": "潜在空間の平面",
      "aria-label": "潜在空間 z の平面。クリックで選んでいる端点（始点 A または終点 B）を置きます。矢印キーでも動かせます",
    });
    const strip = el("canvas", { class: "kd-strip", width: STRIP * SIDE, height: SIDE, role: "img", "aria-label": "A から B への補間（10 コマ）" });
    const sctx = strip.getContext("2d");
    const simg = new ImageData(STRIP * SIDE, SIDE);
    const digit = digitCanvas("スライダーの位置 t で生成した数字");
    const slider = el("input", { type: "range", min: "0", max: "100", value: "50", class: "kd-slider", "aria-label": "A から B への位置 t" });
    const tOut = el("output", { class: "kd-z" });
    const mean = (lab, dflt) => {
      let sx = 0, sy = 0, n = 0;
      for (let i = 0; i < map.n; i++) if (map.label[i] === lab) { sx += map.x[i]; sy += map.y[i]; n++; }
      return n ? [sx / n, sy / n] : dflt;
    };
    const ends = { A: mean(1, [-1.5, 0]), B: mean(0, [1.5, 0]) };
    let active = "A";
    const pick = {};
    for (const name of ["A", "B"]) {
      pick[name] = el("button", { type: "button", class: "kd-button kd-end", "aria-pressed": String(name === active), onclick: () => choose(name) }, name === "A" ? "始点 A" : "終点 B");
    }
    const choose = (name) => { active = name; for (const n in pick) pick[n].setAttribute("aria-pressed", String(n === name)); };
    const useA = el("button", { type: "button", class: "kd-button", disabled: "", onclick: () => useDrawing("A") }, "描いた数字を A に");
    const useB = el("button", { type: "button", class: "kd-button", disabled: "", onclick: () => useDrawing("B") }, "描いた数字を B に");
    const useDrawing = (name) => { if (api.drawing) { ends[name] = [api.drawing.x, api.drawing.y]; redraw(); } };
    const enableUse = () => { if (api.drawing) { useA.removeAttribute("disabled"); useB.removeAttribute("disabled"); } };
    document.addEventListener("kogi-demo-drawn", enableUse);
    enableUse();
    const hasDraw = figures.some((f) => f.dataset.demo === "vae-draw");

    const render = () => {
      const [a, b] = [ends.A, ends.B];
      plane.clear();
      const c = plane.ctx, s = plane.canvas.width / 300;
      c.strokeStyle = theme.accent; c.lineWidth = 1.5 * s; c.setLineDash([5 * s, 4 * s]);
      c.beginPath(); c.moveTo(plane.px(a[0]), plane.py(a[1])); c.lineTo(plane.px(b[0]), plane.py(b[1])); c.stroke();
      c.setLineDash([]);
      c.fillStyle = theme.accent;
      for (let i = 1; i < STRIP - 1; i++) {
        const t = i / (STRIP - 1);
        c.beginPath(); c.arc(plane.px(a[0] + t * (b[0] - a[0])), plane.py(a[1] + t * (b[1] - a[1])), 2.2 * s, 0, 2 * Math.PI); c.fill();
      }
      plane.marker(a[0], a[1], "A");
      plane.marker(b[0], b[1], "B");
      check(k.interp(h2, a[0], a[1], b[0], b[1], STRIP, simg.data));
      sctx.putImageData(simg, 0, 0);
      const t = slider.value / 100;
      check(k.decode(h2, a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), digit.img.data));
      paint(digit.ctx, digit.img);
      tOut.textContent = "t = " + t.toFixed(2);
    };
    const redraw = frameLoop(render, w.fail);
    const cv = plane.canvas;
    cv.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      cv.setPointerCapture(e.pointerId);
      ends[active] = plane.at(e);
      e.preventDefault();
      cv.focus({ preventScroll: true });
      redraw();
    });
    cv.addEventListener("pointermove", (e) => { if (cv.hasPointerCapture(e.pointerId)) { ends[active] = plane.at(e); redraw(); } });
    // After placing one end by pointer, the next click places the other.
    const flip = (e) => { if (cv.hasPointerCapture(e.pointerId)) choose(active === "A" ? "B" : "A"); };
    cv.addEventListener("pointerup", flip);
    cv.addEventListener("keydown", (e) => {
      const d = arrowStep(e, plane.R);
      if (d) { const p = ends[active]; ends[active] = [clamp(p[0] + d[0], plane.R), clamp(p[1] + d[1], plane.R)]; redraw(); e.preventDefault(); }
    });
    slider.addEventListener("input", redraw);
    plane.onresize = firstFrame(w, render);
    w.retheme = () => { plane.drawBase(); redraw(); };
    return el("div", { class: "kd-ui kd-interp" },
      el("div", { class: "kd-main" }, plane.canvas),
      el("div", { class: "kd-side" },
        el("div", { class: "kd-row", role: "group", "aria-label": "クリックや矢印キーで動かす端点（始点 A か終点 B）" }, pick.A, pick.B),
        hasDraw ? el("div", { class: "kd-row" }, useA, useB) : null,
        el("p", { class: "kd-hint" }, "地図をクリックすると選んでいる端点が移り、次のクリックではもう一方が移ります。矢印キーでも動かせます。"),
        el("div", { class: "kd-digit-box" }, digit.c, tOut),
        slider),
      el("div", { class: "kd-strip-box" }, el("span", { class: "kd-cap" }, "A"), strip, el("span", { class: "kd-cap" }, "B")));
  }

  // --------------------------------------------------------------- figures

  const builders = { "vae-latent": buildLatent, "vae-draw": buildDraw, "vae-interp": buildInterp };

  function progressUI(fig, urls) {
    const bar = el("progress", { max: "1", value: "0" });
    const text = el("span", {}, "デモを読み込んでいます…");
    const box = el("div", { class: "kd-loading", role: "status" }, bar, text);
    const fb = fig.querySelector(".kogi-demo-fallback");
    fb ? fb.after(box) : fig.prepend(box);
    const fs = urls.map(fetchBytes);
    const update = () => {
      let loaded = 0, total = 0;
      for (const f of fs) { loaded += f.loaded; total += Math.max(f.total, f.loaded); }
      if (total) bar.value = loaded / total;
      text.textContent = "デモを読み込んでいます… " + Math.round(loaded / 1024).toLocaleString() +
        (total ? " / " + Math.round(total / 1024).toLocaleString() : "") + " KB";
    };
    fs.forEach((f) => f.listeners.add(update));
    update();
    return () => { fs.forEach((f) => f.listeners.delete(update)); box.remove(); };
  }

  function start(w) {
    const fig = w.el, d = fig.dataset;
    const build = builders[d.demo];
    const need = d.demo === "vae-draw" ? [d.wasm, d.model, d.model16, d.map] : [d.wasm, d.model, d.map];
    (async () => {
      if (!build) throw new DemoError("markup", "", "unknown demo " + JSON.stringify(d.demo));
      if (need.some((u) => !u)) throw new DemoError("markup", "", "figure lacks data-wasm, data-model, data-model16 or data-map");
      const done = progressUI(fig, need);
      try {
        // Weights download while the wasm compiles.
        need.slice(1).forEach(fetchBytes);
        const k = await runtime(d.exec, d.wasm);
        const [h2, map, h16] = await Promise.all([model(k, d.model), model(k, d.map, "map"),
          d.demo === "vae-draw" ? model(k, d.model16) : -1]);
        if (k.latent(h2) !== 2) throw new DemoError("weights", d.model, "vae: the latent plane needs a 2-D model, this one has " + k.latent(h2) + " dimensions");
        const ui = build(w, k, { h2, h16, map });
        fig.insertBefore(ui, fig.querySelector("figcaption"));
        fig.classList.add("kd-live");
      } finally {
        done();
      }
    })().catch((e) => w.fail(e));
  }

  function showError(fig, err) {
    if (fig.querySelector(".kd-error")) return;
    const [say, tech] = explain(err);
    fig.classList.remove("kd-live");
    const ui = fig.querySelector(".kd-ui");
    if (ui) ui.remove();
    const box = el("div", { class: "kd-error", role: "alert" },
      el("p", {}, el("strong", {}, "デモを表示できません。"), " ", say),
      tech ? el("p", {}, el("code", {}, tech)) : null);
    fig.insertBefore(box, fig.querySelector("figcaption"));
    console.warn("kogi demo " + (fig.dataset.demo || "") + ":", err);
  }

  for (const fig of figures) {
    const w = { name: fig.dataset.demo, el: fig, error: null, retheme: null, state: null, rendered: null, fail: null };
    w.ready = new Promise((res, rej) => {
      w.rendered = () => res(w);
      w.fail = (e) => { if (!w.error) { w.error = e; showError(fig, e); } rej(e); };
    });
    w.ready.catch(() => {}); // reported in the figure, not as an unhandled rejection
    api.widgets.push(w);
  }
  api.ready = Promise.allSettled(api.widgets.map((w) => w.ready));

  // Start each widget when it comes within a screen of the viewport.
  if ("IntersectionObserver" in window) {
    const io = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        io.unobserve(e.target);
        start(api.widgets.find((w) => w.el === e.target));
      }
    }, { rootMargin: "50% 0px" });
    api.widgets.forEach((w) => io.observe(w.el));
  } else {
    api.widgets.forEach(start);
  }

  const dark = matchMedia("(prefers-color-scheme: dark)");
  dark.addEventListener("change", () => {
    readTheme();
    if (goRuntime) goRuntime.then((k) => {
      setInk(k);
      api.widgets.forEach((w) => { if (w.retheme && !w.error) w.retheme(); });
    }, () => {});
  });

  // ------------------------------------------------------------- measuring

  // bench times n decodes through the explorer's drawing path (Go decode,
  // one bulk copy, putImageData), each timed alone; the median is reported.
  async function bench(n = 200) {
    const w = api.widgets.find((x) => x.name === "vae-latent" && x.state);
    if (!w) throw new Error("bench: no vae-latent widget running");
    await w.ready;
    const { k, h, digit, R } = w.state;
    const t = new Float64Array(n);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const x = R * Math.sin(i * 0.37), y = R * Math.cos(i * 0.23);
      const s = performance.now();
      check(k.decode(h, x, y, digit.img.data));
      digit.ctx.putImageData(digit.img, 0, 0);
      t[i] = performance.now() - s;
    }
    const total = performance.now() - t0;
    w.state.redraw();
    const sorted = t.slice().sort();
    return {
      n, medianMs: sorted[n >> 1], p90Ms: sorted[Math.floor(n * 0.9)], maxMs: sorted[n - 1],
      meanMs: total / n, isolated: !!window.crossOriginIsolated,
    };
  }

  // frames counts animation frames and digits drawn over ms milliseconds.
  function frames(ms) {
    return new Promise((resolve) => {
      const p0 = api.paints, t0 = performance.now();
      let n = 0;
      const tick = (now) => {
        if (now - t0 >= ms) {
          const sec = (now - t0) / 1000;
          resolve({ frames: n, digits: api.paints - p0, seconds: sec, fps: n / sec, digitsPerSecond: (api.paints - p0) / sec });
          return;
        }
        n++;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
  }
})();
