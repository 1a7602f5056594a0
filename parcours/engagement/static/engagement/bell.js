// The bell's panel: opened and closed by its button, closed by Escape or a click
// elsewhere. Listeners sit on the document, so they keep working when htmx replaces
// the bell every minute.
(function () {
  "use strict";
  if (window.parcoursBell) { return; }
  window.parcoursBell = true;

  function parts() {
    var button = document.querySelector("#notification-bell [data-bell-toggle]");
    var panel = button && document.getElementById(button.getAttribute("aria-controls"));
    return { button: button, panel: panel };
  }

  function setOpen(open) {
    var bell = parts();
    if (!bell.button || !bell.panel) { return; }
    bell.button.setAttribute("aria-expanded", open ? "true" : "false");
    bell.panel.hidden = !open;
    if (open) {
      var first = bell.panel.querySelector("a, button");
      if (first) { first.focus(); }
    }
  }

  document.addEventListener("click", function (event) {
    var bell = parts();
    if (!bell.button) { return; }
    if (event.target.closest("[data-bell-toggle]")) {
      setOpen(bell.button.getAttribute("aria-expanded") !== "true");
    } else if (!event.target.closest("#notification-bell")) {
      setOpen(false);
    }
  });

  document.addEventListener("keydown", function (event) {
    var bell = parts();
    if (event.key === "Escape" && bell.button &&
        bell.button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      bell.button.focus();
    }
  });
})();
