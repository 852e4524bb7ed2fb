// The review queue's keys (web/templates/review.html): a accept, r reject, e edit, n/j next, k previous.
// Served from /static: the pages' Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  function go(id) {
    var link = document.getElementById(id);
    if (link) window.location.assign(link.href);
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(document.activeElement)) return;
    var key = event.key;
    var button = null;
    if (key === "a") button = document.getElementById("do-accept");
    else if (key === "r") button = document.getElementById("do-reject");
    if (button) {
      event.preventDefault();
      button.click();
    } else if (key === "e") {
      var field = document.getElementById("edit-value");
      if (field) {
        event.preventDefault();
        field.focus();
        field.scrollIntoView({block: "center"});
      }
    } else if (key === "n" || key === "j") {
      go("queue-next");
    } else if (key === "k") {
      go("queue-prev");
    }
  });
}());
