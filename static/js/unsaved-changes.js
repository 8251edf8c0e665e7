// Progressive enhancement: warn before leaving a page of answers with changes not saved yet.
// The browser asks only when a field differs from what the page loaded with (or the page came
// back from a post that was not saved), and never when the form itself is being submitted.
// Without JavaScript nothing changes: the buttons save, and links leave as they always did.
(function () {
  "use strict";
  var form = document.querySelector("form[data-warn-unsaved]");
  if (!form) {
    return;
  }
  function state() {
    var values = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "submit" || field.type === "hidden") {
        return;
      }
      if (field.type === "radio" || field.type === "checkbox") {
        values.push(field.name + "=" + (field.checked ? field.value : ""));
      } else {
        values.push(field.name + "=" + field.value);
      }
    });
    return values.join("\n");
  }
  var loaded = state();
  var notSavedOnLoad = form.getAttribute("data-warn-unsaved") === "not-saved";
  var submitting = false;
  form.addEventListener("submit", function () {
    submitting = true;
  });
  window.addEventListener("pageshow", function () {
    submitting = false; // back to this page from the browser's history
  });
  window.addEventListener("beforeunload", function (event) {
    if (submitting || (!notSavedOnLoad && state() === loaded)) {
      return undefined;
    }
    event.preventDefault();
    event.returnValue = ""; // older browsers show their own message only when this is set
    return "";
  });
})();
