// Turn Web Push on or off for this device (the push page).
// The service worker is registered from the site's root so that it can open any page;
// the subscription is made with the server's VAPID public key and posted to the server,
// which encrypts every payload for this browser's keys.
(function () {
  "use strict";

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (error) { return ""; }
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    });
  }

  function start() {
    var section = document.getElementById("push-this-device");
    if (!section) { return; }
    var status = document.getElementById("push-status");
    var enable = document.getElementById("push-enable");
    var disable = document.getElementById("push-disable");
    var data = section.dataset;

    function show(text, state, subscribed) {
      status.textContent = text;
      status.dataset.state = state || "";
      enable.hidden = subscribed !== false;
      disable.hidden = subscribed !== true;
    }

    if (!("serviceWorker" in navigator) || !("PushManager" in window) ||
        !("Notification" in window)) {
      show(data.textUnsupported, "error", null);
      return;
    }

    var registration = navigator.serviceWorker.register(data.workerUrl, { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; });

    function refresh() {
      return registration.then(function (ready) {
        return ready.pushManager.getSubscription();
      }).then(function (subscription) {
        if (Notification.permission === "denied") {
          show(data.textDenied, "error", null);
        } else {
          show(subscription ? data.textOn : data.textOff, "", Boolean(subscription));
        }
      });
    }

    enable.addEventListener("click", function () {
      show(data.textWorking, "", null);
      Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") { throw new Error("denied"); }
        return registration;
      }).then(function (ready) {
        return ready.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(data.vapidKey),
        });
      }).then(function (subscription) {
        return post(data.subscribeUrl, subscription.toJSON());
      }).then(function () {
        window.location.reload();  // the device list below now shows this device
      }).catch(function (error) {
        show(error.message === "denied" ? data.textDenied : data.textFailed, "error", false);
      });
    });

    disable.addEventListener("click", function () {
      show(data.textWorking, "", null);
      registration.then(function (ready) {
        return ready.pushManager.getSubscription();
      }).then(function (subscription) {
        if (!subscription) { return null; }
        var endpoint = subscription.endpoint;
        return subscription.unsubscribe().then(function () {
          return post(data.unsubscribeUrl, { endpoint: endpoint });
        });
      }).then(function () {
        window.location.reload();
      }).catch(function () {
        show(data.textFailed, "error", true);
      });
    });

    refresh().catch(function () { show(data.textFailed, "error", null); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
