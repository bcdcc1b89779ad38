// Site-wide script: start the design system's components (menus, accordions,
// tooltips…) once the page is parsed, and again inside what htmx swaps in.
// No inline script anywhere: the CSP forbids it.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.DKFDS) {
    return;
  }
  window.DKFDS.init();
  document.body.addEventListener("htmx:afterSettle", function (event) {
    window.DKFDS.init({ scope: event.detail.elt });
  });
});
