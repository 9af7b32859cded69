// Kogi dev server: one event stream for every tab. Browsers open at most six
// HTTP/1.1 connections to a host, and an EventSource holds one for as long
// as its tab is open, so with six tabs on the dev server a seventh would
// never load. live.js therefore connects through this SharedWorker, which
// keeps the one stream and hands each status to every tab.
'use strict';
const ports = new Set();
let last = null;

const events = new EventSource('/__kogi/events');
events.addEventListener('status', (e) => {
  last = e.data;
  for (const p of ports) p.postMessage(last);
});

onconnect = (e) => {
  const port = e.ports[0];
  ports.add(port);
  // A tab says goodbye when it unloads (there is no close event for a port).
  port.onmessage = (m) => {
    if (m.data === 'bye') ports.delete(port);
  };
  port.start();
  if (last !== null) port.postMessage(last);
};
