// The case form: move the keyboard focus to the error summary or the conflict
// notice when the page comes back with one, as the DKFDS error pattern asks, so
// that screen reader users hear what went wrong first.
(function () {
  "use strict";
  var target = document.querySelector("[data-focus-on-load]");
  if (target) {
    target.focus();
  }
})();
