/* The danger-sign screens: show "take her to the puskesmas or hospital now" when an emergency sign
 * is chosen and the call to the midwife when any red (emergency or same-day) sign is, in the
 * danger-sign form (checkboxes) and the guided session's stop screen (hidden inputs session.js
 * adds). A form opts in with `data-danger-form` and `data-danger-severities` (code → severity). */
(function () {
  "use strict";

  function setup(form) {
    var severities = {};
    try {
      severities = JSON.parse(form.dataset.dangerSeverities || "{}");
    } catch (error) {
      severities = {};
    }
    var box = form.querySelector("[data-danger-call]");
    if (!box) return;
    function chosen() {
      var codes = [];
      form.querySelectorAll('input[name="signs"]').forEach(function (input) {
        if (input.type === "hidden" || input.checked) codes.push(input.value);
      });
      return codes.map(function (code) { return severities[code] || "same_day"; });
    }
    function update() {
      var levels = chosen();
      var emergency = levels.indexOf("emergency") >= 0;
      var red = emergency || levels.indexOf("same_day") >= 0;
      box.hidden = !red;
      box.querySelectorAll('[data-when="emergency"]').forEach(function (line) {
        line.hidden = !emergency;
      });
    }
    form.addEventListener("change", update);
    new MutationObserver(update).observe(form, { childList: true, subtree: true });
    update();
  }

  function start() {
    document.querySelectorAll("form[data-danger-form]").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
