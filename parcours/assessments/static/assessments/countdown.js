// The visible countdown of a timed quiz. The server keeps the real time: this only shows
// it, warns a minute before the end, and sends the answers when it reaches zero.
(function () {
  "use strict";
  var timer = document.querySelector("[data-seconds-left]");
  if (!timer) { return; }
  var end = Date.now() + parseInt(timer.dataset.secondsLeft, 10) * 1000;
  var out = timer.querySelector("[data-countdown]");
  var warning = timer.querySelector("[data-warning]");
  var form = document.getElementById(timer.dataset.form);
  var warned = false;
  var tick;
  function show() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    out.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    if (left <= 60 && !warned && warning) {
      warned = true;
      warning.textContent = timer.dataset.oneMinute;
    }
    if (left === 0) {
      clearInterval(tick);
      if (form) {
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      }
    }
  }
  show();
  tick = setInterval(show, 1000);
})();
