// The day step: tapping a day swaps in its times (htmx, see _day_step.html); this keeps
// the chosen day in sight in the strip and puts focus on the new times' heading, so a
// screen reader says which day's times arrived and the next Tab reaches the first time.
(function () {
  "use strict";

  function showChosenDay() {
    var chosen = document.querySelector(".day-strip [aria-current]");
    if (chosen) {
      chosen.scrollIntoView({ block: "nearest", inline: "center" });
    }
  }

  document.addEventListener("DOMContentLoaded", showChosenDay);
  document.addEventListener("htmx:afterSettle", function (event) {
    var step = document.getElementById("day-step");
    if (!step || !event.detail || event.detail.elt !== step && !step.contains(event.detail.elt)) {
      return;
    }
    showChosenDay();
    var heading = document.getElementById("times-title");
    if (heading) {
      heading.focus();
    }
  });
})();
