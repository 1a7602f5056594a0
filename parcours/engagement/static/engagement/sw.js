// Parcours' service worker: shows the push notifications the server sends (a JSON
// payload {title, body, url}) and opens the notification's page when it is clicked.
// Served from /sw.js so that its scope is the whole site.
"use strict";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("push", function (event) {
  var message = { title: "Parcours", body: "", url: "/notifications/" };
  if (event.data) {
    try {
      var data = event.data.json();
      message.title = data.title || message.title;
      message.body = data.body || "";
      message.url = data.url || message.url;
    } catch (error) {
      message.body = event.data.text();
    }
  }
  event.waitUntil(self.registration.showNotification(message.title, {
    body: message.body,
    data: { url: message.url },
    tag: message.url,
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL(event.notification.data && event.notification.data.url || "/",
                       self.location.origin);
  // Only pages of this site: a payload never sends someone elsewhere.
  if (target.origin !== self.location.origin) { target = new URL("/", self.location.origin); }
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true })
    .then(function (windows) {
      for (var i = 0; i < windows.length; i += 1) {
        if (windows[i].url === target.href && "focus" in windows[i]) {
          return windows[i].focus();
        }
      }
      return self.clients.openWindow(target.href);
    }));
});
