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
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") { node.open = true; }
    }
    if (target) { target.scrollIntoView(); }
  }
  openFoldOfTarget();
  window.addEventListener("hashchange", openFoldOfTarget);
  // Select the whole private link on focus, so it is easy to copy.
  var link = document.getElementById("private-link");
  if (link) {
    link.addEventListener("focus", function () { link.select(); });
  }
})();
