/* Record forms (data-outbox="..."): a record id generated in the browser, and times sent as
   ISO 8601 with the phone's UTC offset. The visible date-time picker has no name, so the form
   posts exactly the fields of the sync API's record; the offline app can queue it as it is. */
(function () {
  "use strict";

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function isoWithOffset(date) {
    var offset = -date.getTimezoneOffset();
    var sign = offset >= 0 ? "+" : "-";
    offset = Math.abs(offset);
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) +
      sign + pad(Math.floor(offset / 60)) + ":" + pad(offset % 60);
  }
  function pickerValue(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  /* A form re-shown with errors (data-keep-values) keeps what was typed; a fresh one gets a new
     record id and the phone's current time. */
  function setup(form) {
    var keep = form.hasAttribute("data-keep-values");
    var id = form.querySelector("input[name=id]");
    if (id && (!keep || !id.value)) id.value = uuid();
    Array.prototype.forEach.call(form.querySelectorAll("input[data-offset-for]"), function (picker) {
      var hidden = form.querySelector("input[name='" + picker.getAttribute("data-offset-for") + "']");
      if (!hidden) return;
      var start = keep && hidden.value ? new Date(hidden.value) : new Date();
      if (isNaN(start.getTime())) start = new Date();
      picker.value = pickerValue(start);
      hidden.value = isoWithOffset(start);
      picker.addEventListener("input", function () {
        var chosen = new Date(picker.value);
        if (!isNaN(chosen.getTime())) hidden.value = isoWithOffset(chosen);
      });
    });
  }

  window.kaderasiRecords = { uuid: uuid, isoWithOffset: isoWithOffset, setup: setup };
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-outbox]"), setup);
  });
})();
