// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Tell the CSS that JavaScript runs (see the official banner rules in app.css).
  document.documentElement.classList.add("app-js");
  // Move focus to the error summary so screen reader and keyboard users hear what went wrong.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  // A link to something folded away (a practice after the top five, say) opens its fold.
  function openFoldOfTarget() {
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    var opened = false;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; opened = true; }
    }
    if (opened) { target.scrollIntoView(); }
  }
  openFoldOfTarget();
  window.addEventListener("hashchange", openFoldOfTarget);
  // Print the folded practices too, then fold them again.
  var folded = [];
  window.addEventListener("beforeprint", function () {
    folded = Array.prototype.filter.call(document.querySelectorAll("details.app-fold"),
      function (fold) { return !fold.open; });
    folded.forEach(function (fold) { fold.open = true; });
  });
  window.addEventListener("afterprint", function () {
    folded.forEach(function (fold) { fold.open = false; });
  });
  // Select the whole private link on focus, so it is easy to copy.
  var link = document.getElementById("private-link");
  if (link) {
    link.addEventListener("focus", function () { link.select(); });
  }
  // Show each <time class="app-local-time"> in the browser's own time zone, named, in the form
  // the server writes ("Dec 1, 2026, 3:26:46 AM EST"); without this the server's words stay,
  // in the app's time zone, also named.
  if (window.Intl && Intl.DateTimeFormat) {
    var format = new Intl.DateTimeFormat("en-US", {
      month: "short", day: "numeric", year: "numeric", hour: "numeric", minute: "2-digit",
      second: "2-digit", timeZoneName: "short"
    });
    var times = document.querySelectorAll("time.app-local-time[datetime]");
    for (var i = 0; i < times.length; i += 1) {
      var at = new Date(times[i].getAttribute("datetime"));
      if (!isNaN(at.getTime())) {
        times[i].setAttribute("title", times[i].textContent);
        times[i].textContent = format.format(at);
      }
    }
  }
  // A button says it is working after the first click, and a second click sends nothing.
  // The server makes a repeated post harmless anyway (web/once.py): this only tells people.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "").toLowerCase() !== "post") {
      return;
    }
    if (form.getAttribute("data-submitting") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "true");
    var button = event.submitter || form.querySelector("button[type=submit], button:not([type])");
    // After this turn, so the clicked button's name and value are still sent.
    window.setTimeout(function () {
      if (!button) { return; }
      button.setAttribute("data-label", button.innerHTML);
      button.textContent = button.getAttribute("data-working") || "Saving\u2026";
      button.setAttribute("aria-disabled", "true");
      button.classList.add("app-working");
      button.disabled = true;
    }, 0);
  });
  // Back to a page kept by the browser: its buttons work again.
  window.addEventListener("pageshow", function () {
    var busy = document.querySelectorAll("form[data-submitting=true]");
    Array.prototype.forEach.call(busy, function (form) {
      form.removeAttribute("data-submitting");
      Array.prototype.forEach.call(form.querySelectorAll("button.app-working"), function (b) {
        b.innerHTML = b.getAttribute("data-label");
        b.removeAttribute("aria-disabled");
        b.classList.remove("app-working");
        b.disabled = false;
      });
    });
  });
})();
