/* Attendance and signatures: the signature pad, the QR code that changes every 30 s,
 * and the virtual class page that notes when one leaves.
 *
 * Signature pad (form[data-signature-pad]): a canvas drawn with pointer events (finger,
 * pen or mouse), a "Clear" button, and a typed name drawn onto the canvas for keyboard
 * users. It posts the PNG data URL with fetch and says "Saving…", "Saved ✓" or "Not
 * saved yet — retrying" in an aria-live region. When the network fails (or the server
 * answers 5xx), it sends the same signature again, waiting 1, 2, 4… up to 30 s, and at
 * once when the browser comes back online; the server answers a repeated signature as
 * saved. A refusal (4xx) is shown and not retried. Without JavaScript the form posts a
 * typed name, which the server draws.
 */
(function () {
  "use strict";

  function setupPad(form) {
    var area = form.querySelector("[data-pad-area]");
    var canvas = form.querySelector("[data-pad-canvas]");
    var clearButton = form.querySelector("[data-pad-clear]");
    var typed = form.querySelector("input[name=typed_name]");
    var imageField = form.querySelector("input[name=image]");
    var inputField = form.querySelector("input[name=input]");
    var status = form.querySelector("[data-pad-status]");
    var submit = form.querySelector("[data-pad-submit]");
    if (!canvas || !canvas.getContext || !window.fetch || !window.FormData) { return; }
    var text = form.dataset;
    var context = canvas.getContext("2d");
    var drawn = false, drawing = false, typedOnCanvas = false;
    var last = null, inputKind = "";
    var saving = false, pending = null, timer = null;

    area.hidden = false;

    function say(words) { status.textContent = words || ""; }

    function fit() {
      var ratio = window.devicePixelRatio || 1;
      canvas.width = Math.round(canvas.clientWidth * ratio);
      canvas.height = Math.round(canvas.clientHeight * ratio);
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = context.fillStyle = "#111827";
    }

    function wipe() {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      typedOnCanvas = false;
    }

    function at(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      if (typedOnCanvas) { wipe(); typed.value = ""; }
      if (canvas.setPointerCapture) { canvas.setPointerCapture(event.pointerId); }
      drawing = true;
      last = at(event);
      inputKind = event.pointerType || "mouse";
      context.beginPath();
      context.arc(last.x, last.y, 1.25, 0, Math.PI * 2);
      context.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      event.preventDefault();
      var point = at(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(point.x, point.y);
      context.stroke();
      last = point;
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });

    typed.addEventListener("input", function () {
      var name = typed.value.trim();
      if (drawn && !typedOnCanvas && !name) { return; }
      wipe();
      if (!name) { return; }
      var size = Math.min(40, canvas.clientHeight / 3);
      context.font = "italic " + size + "px 'Segoe Script', 'Brush Script MT', cursive, serif";
      context.textBaseline = "middle";
      context.fillText(name, 16, canvas.clientHeight / 2, canvas.clientWidth - 32);
      drawn = true;
      typedOnCanvas = true;
    });

    clearButton.addEventListener("click", function () {
      wipe();
      typed.value = "";
      say("");
    });

    function finish(answer) {
      saving = false;
      pending = null;
      say(text.textSaved.replace("{time}", answer.time || ""));
      status.classList.add("signed");
      area.hidden = true;
      typed.closest(".field").hidden = true;
      submit.hidden = true;
    }

    function refuse(detail) {
      saving = false;
      pending = null;
      submit.disabled = false;
      say(text.textRefused + " " + (detail || ""));
    }

    function retry(data, attempt) {
      say(text.textRetrying);
      pending = data;
      timer = window.setTimeout(function () { send(data, attempt + 1); },
                                Math.min(30000, 1000 * Math.pow(2, attempt)));
    }

    function send(data, attempt) {
      window.clearTimeout(timer);
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.ok && answer.saved) {
            finish(answer);
          } else if (response.status >= 500) {
            retry(data, attempt);
          } else {
            refuse(answer.detail);
          }
        });
      }).catch(function () {
        retry(data, attempt);  // the network: the same signature goes again
      });
    }

    window.addEventListener("online", function () {
      if (pending) { send(pending, 0); }
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (saving) { return; }
      if (!drawn && !typed.value.trim()) { say(text.textEmpty); return; }
      imageField.value = drawn ? canvas.toDataURL("image/png") : "";
      inputField.value = typedOnCanvas ? "typed" : inputKind;
      saving = true;
      submit.disabled = true;
      say(text.textSaving);
      send(new FormData(form), 0);
    });

    fit();
    window.addEventListener("resize", function () {
      if (!drawn) { fit(); }
    });
  }

  /* The QR code page: fetch the next code when the 30-second window ends. Without
   * JavaScript, a meta refresh in <noscript> reloads the page instead. */
  function setupQrCode(holder) {
    var left = 30, tick = null;

    function secondsLeft() {
      var box = holder.querySelector("[data-qr-box]");
      return box ? (parseInt(box.dataset.secondsLeft, 10) || 30) : 30;
    }

    function showCountdown() {
      var countdown = holder.querySelector("[data-countdown]");
      if (countdown) {
        countdown.textContent = holder.dataset.textCountdown.replace("{seconds}", left);
      }
    }

    function refresh() {
      fetch(holder.dataset.url, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          holder.innerHTML = html;
          left = secondsLeft();
          run();
        })
        .catch(function () { left = 5; run(); });
    }

    function run() {
      window.clearInterval(tick);
      showCountdown();
      tick = window.setInterval(function () {
        left -= 1;
        if (left <= 0) {
          window.clearInterval(tick);
          refresh();
        } else {
          showCountdown();
        }
      }, 1000);
    }

    left = secondsLeft();
    run();
  }

  /* The virtual class page: joining opens the meeting in a new tab; when this page is
   * closed, a beacon tells the server the person left. */
  function setupVirtualClass(box) {
    var joined = false;
    var form = box.querySelector("[data-join-form]");
    var status = box.querySelector("[data-in-class]");
    if (!form) { return; }
    form.addEventListener("submit", function () {
      joined = true;
      var now = new Date();
      var time = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
      if (status) { status.textContent = box.dataset.textInClass.replace("{time}", time); }
    });
    window.addEventListener("pagehide", function () {
      if (!joined || !navigator.sendBeacon) { return; }
      var data = new FormData();
      data.append("csrfmiddlewaretoken", box.dataset.csrf);
      data.append("beacon", "1");
      navigator.sendBeacon(box.dataset.leaveUrl, data);
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-signature-pad]"), setupPad);
    Array.prototype.forEach.call(document.querySelectorAll("[data-qr-refresh]"), setupQrCode);
    Array.prototype.forEach.call(document.querySelectorAll("[data-virtual-class]"),
                                 setupVirtualClass);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
