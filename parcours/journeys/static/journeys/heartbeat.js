/* Time engaged on a step: a heartbeat to the server while the page is visible.
 *
 * On opening (when visible) it sends seconds=0, which marks the step started. When the
 * element asks to count time (data-count="true", lessons), it then sends, every 15 s
 * and only while document.visibilityState is "visible", the seconds really elapsed with
 * the page visible. Hiding the page stops the clock and sends what was counted so far;
 * showing it again starts a new count. The server credits at most the time that really
 * passed, so a hidden tab or a tampered script earns nothing.
 */
(function () {
  "use strict";
  var box = document.getElementById("heartbeat");
  if (!box || !window.fetch) { return; }

  var INTERVAL_MS = (parseInt(box.dataset.interval, 10) || 15) * 1000;
  var counting = box.dataset.count === "true";
  var required = parseInt(box.dataset.required, 10) || 0;
  var engaged = parseInt(box.dataset.engaged, 10) || 0;
  var done = box.dataset.done === "true";
  var bar = box.querySelector("progress");
  var status = box.querySelector("[data-status]");
  var doneLink = box.querySelector("[data-done-link]");
  var opened = false;
  var visibleSince = null;   // performance.now() when the page last became visible
  var carried = 0;           // visible seconds counted but not sent yet
  var timer = null;
  var lastMinutes = null;

  function say(text) {
    // Announced by screen readers (aria-live): only when the words change.
    if (status && text && status.textContent !== text) { status.textContent = text; }
  }

  function show(seconds) {
    engaged = seconds;
    if (bar) { bar.value = Math.min(engaged, required); }
    var minutes = Math.floor(engaged / 60);
    if (minutes !== lastMinutes && box.dataset.textProgress) {
      lastMinutes = minutes;
      say(box.dataset.textProgress
        .replace("{engaged}", minutes)
        .replace("{required}", Math.ceil(required / 60)));
    }
  }

  function counted() {
    var now = performance.now();
    var total = carried + (visibleSince === null ? 0 : (now - visibleSince) / 1000);
    var seconds = Math.floor(total);
    carried = total - seconds;
    if (visibleSince !== null) { visibleSince = now; }
    return seconds;
  }

  function send(seconds, keepalive) {
    var body = new URLSearchParams();
    body.set("seconds", String(seconds));
    return fetch(box.dataset.url, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "X-CSRFToken": box.dataset.csrf, "Accept": "application/json" },
      body: body
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (answer) {
      if (!counting) { return; }
      show(answer.engaged_seconds);
      if (answer.done) { finish(); }
    }).catch(function () {
      carried += seconds;  // kept, and sent with the next beat
      say(box.dataset.textError);
    });
  }

  function beat(keepalive) {
    var seconds = counted();
    if (seconds >= 1) { send(seconds, keepalive); }
  }

  function finish() {
    done = true;
    stop();
    say(box.dataset.textDone);
    if (doneLink) { doneLink.hidden = false; }
  }

  function start() {
    if (!opened) {
      opened = true;
      send(0, false);
    }
    if (!counting || done || timer !== null) { return; }
    lastMinutes = null;
    show(engaged);
    visibleSince = performance.now();
    timer = window.setInterval(function () { beat(false); }, INTERVAL_MS);
  }

  function stop() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
    if (visibleSince !== null) {
      carried += (performance.now() - visibleSince) / 1000;
      visibleSince = null;
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      start();
    } else {
      stop();
      if (counting && !done) {
        say(box.dataset.textPaused);
        beat(true);  // keepalive: it may be the last chance before the tab goes away
      }
    }
  });

  if (document.visibilityState === "visible") { start(); }
})();
