// DKFDS's date picker submits a hidden copy of each date, and only when it
// understood the typed text. Submit what the user sees instead, so that the
// server can say what is wrong with it and show the text again unchanged.
document.addEventListener("submit", function (event) {
  event.target.querySelectorAll(".date-picker").forEach(function (picker) {
    var internal = picker.querySelector(".date-picker__internal-input");
    var external = picker.querySelector(".date-picker__external-input");
    if (internal && external) {
      internal.value = external.value.trim();
    }
  });
});
