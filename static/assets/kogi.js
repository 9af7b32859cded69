// Kogi page behaviour: the table of contents opens beside the text on wide
// screens (collapsed above it on phones) and marks the section being read.
(function () {
  "use strict";
  var toc = document.querySelector(".toc details");
  if (!toc) return;
  var wide = window.matchMedia("(min-width: 72rem)");
  function fit() { toc.open = wide.matches; }
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);

  var links = {};
  toc.querySelectorAll("a[href^='#']").forEach(function (a) {
    links[decodeURIComponent(a.getAttribute("href").slice(1))] = a;
  });
  var heads = [];
  Object.keys(links).forEach(function (id) {
    var h = document.getElementById(id);
    if (h) heads.push(h);
  });
  if (!heads.length || !("IntersectionObserver" in window)) return;
  var current = null;
  function mark(id) {
    if (current === id) return;
    if (current && links[current]) links[current].removeAttribute("aria-current");
    current = id;
    if (links[id]) links[id].setAttribute("aria-current", "location");
  }
  // The current section is the last heading above the upper third of the
  // window; recomputed whenever a heading crosses that line.
  function update() {
    var line = window.innerHeight / 3, best = heads[0];
    for (var i = 0; i < heads.length; i++) {
      if (heads[i].getBoundingClientRect().top <= line) best = heads[i]; else break;
    }
    mark(best.id);
  }
  var io = new IntersectionObserver(update, { rootMargin: "0px 0px -66% 0px" });
  heads.forEach(function (h) { io.observe(h); });
  window.addEventListener("hashchange", update);
  update();
})();
