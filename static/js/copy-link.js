// Progressive enhancement: a "Copy the link" button beside a link shown as text. Without
// JavaScript the button stays hidden and the link stays whole, selectable text.
(function () {
  "use strict";
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function copyBySelection(element) {
    selectText(element);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }
  var buttons = document.querySelectorAll("[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".app-copy__status");
    if (!source) {
      return;
    }
    function say(message) {
      if (status) {
        status.textContent = message;
      }
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = source.textContent.trim();
      say("");
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () {
          say("Copied the link.");
        }, function () {
          say(copyBySelection(source) ? "Copied the link."
            : "Could not copy. The link is selected: copy it with your keyboard.");
        });
      } else {
        say(copyBySelection(source) ? "Copied the link."
          : "Could not copy. The link is selected: copy it with your keyboard.");
      }
    });
  });
})();
