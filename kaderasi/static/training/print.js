// A button with data-print prints the page (no inline onclick: the Content-Security-Policy
// runs only kaderasi's own script files).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
