// Opening a message in WhatsApp marks it sent: the link opens WhatsApp as links do, and its list
// item posts "sent" (hx-trigger="wa-opened"). A script file, not an htmx event filter, which
// would need eval() and the Content-Security-Policy forbids it.
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.wa-link");
  const item = link && link.closest("li[hx-post]");
  if (item && window.htmx) window.htmx.trigger(item, "wa-opened");
});
