/* kaderasi training pages: keyboard entry of paper answer sheets and small helpers.
   Everything works without this file; it only saves keystrokes. */
(function () {
  "use strict";

  function gridCells(grid) {
    return Array.prototype.map.call(grid.querySelectorAll("tbody tr"), function (row) {
      return Array.prototype.slice.call(row.querySelectorAll("input[data-allowed]"));
    });
  }

  function position(rows, input) {
    for (var r = 0; r < rows.length; r++) {
      var c = rows[r].indexOf(input);
      if (c !== -1) return [r, c];
    }
    return null;
  }

  function focusCell(rows, r, c) {
    if (r < 0 || r >= rows.length || !rows[r].length) return;
    var cell = rows[r][Math.max(0, Math.min(c, rows[r].length - 1))];
    cell.focus();
    cell.select();
  }

  function nextCell(rows, r, c) {
    if (c + 1 < rows[r].length) return focusCell(rows, r, c + 1);
    for (var n = r + 1; n < rows.length; n++) if (rows[n].length) return focusCell(rows, n, 0);
  }

  function previousCell(rows, r, c) {
    if (c > 0) return focusCell(rows, r, c - 1);
    for (var p = r - 1; p >= 0; p--) if (rows[p].length) return focusCell(rows, p, rows[p].length - 1);
  }

  function rowBelow(rows, r, step) {
    for (var n = r + step; n >= 0 && n < rows.length; n += step) if (rows[n].length) return n;
    return -1;
  }

  document.querySelectorAll("form[data-answer-grid]").forEach(function (form) {
    var rows = gridCells(form);

    form.addEventListener("input", function (event) {
      var input = event.target;
      if (!input.dataset.allowed) return;
      var value = input.value.trim().toLowerCase();
      var valid = value === "" || input.dataset.allowed.indexOf(value) !== -1;
      input.parentNode.classList.toggle("bad", !valid);
      input.setAttribute("aria-invalid", valid ? "false" : "true");
      if (valid && value !== "") {
        var at = position(rows, input);
        if (at) nextCell(rows, at[0], at[1]);
      }
    });

    form.addEventListener("keydown", function (event) {
      var input = event.target;
      if (!input.dataset || !input.dataset.allowed) return;
      var at = position(rows, input);
      if (!at) return;
      var r = at[0], c = at[1], below;
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) return; // saved below
      switch (event.key) {
        case "Enter":
          event.preventDefault();
          below = rowBelow(rows, r, 1);
          if (below !== -1) focusCell(rows, below, 0);
          break;
        case "ArrowRight":
          event.preventDefault(); nextCell(rows, r, c); break;
        case "ArrowLeft":
          event.preventDefault(); previousCell(rows, r, c); break;
        case "ArrowDown":
          event.preventDefault();
          below = rowBelow(rows, r, 1);
          if (below !== -1) focusCell(rows, below, c);
          break;
        case "ArrowUp":
          event.preventDefault();
          below = rowBelow(rows, r, -1);
          if (below !== -1) focusCell(rows, below, c);
          break;
        case "Backspace":
          if (input.value === "") { event.preventDefault(); previousCell(rows, r, c); }
          break;
      }
    });

    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
      }
    });

    form.addEventListener("focusin", function (event) {
      if (event.target.dataset && event.target.dataset.allowed) event.target.select();
    });

    var firstBad = form.querySelector("td.bad input") || form.querySelector("input[data-allowed]");
    if (firstBad) firstBad.focus();
  });

  document.querySelectorAll("[data-set-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      document.querySelectorAll(".attendance select").forEach(function (select) {
        select.value = button.dataset.setAll;
      });
    });
  });
})();
