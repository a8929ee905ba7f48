// Site-wide behaviour. No inline script anywhere: the CSP forbids it.

// htmx: swap 422 (invalid form) and 409 (slot taken meanwhile) responses so
// the reason shows in place.
document.addEventListener("DOMContentLoaded", () => {
  if (window.htmx) {
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "422", swap: true },
      { code: "409", swap: true },
      { code: "[45]..", swap: false, error: true },
    ];
  }
});

// Confirm before destructive actions: <button data-confirm="Cancel this?">.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const message = button?.dataset.confirm || event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Automatic log-off: the server ends idle sessions; the page follows so that
// health information does not stay on an unattended screen.
const idleMinutes = Number(document.body.dataset.idleMinutes || 0);
if (idleMinutes > 0) {
  let timer;
  const reset = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      window.location.href = "/accounts/login/?idle=1";
    }, idleMinutes * 60 * 1000 + 5000);
  };
  ["click", "keydown", "scroll", "touchstart"].forEach((name) =>
    document.addEventListener(name, reset, { passive: true }),
  );
  reset();
}

// Auto-submit filter selects: <select data-autosubmit>.
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-autosubmit]")) {
    event.target.form.requestSubmit();
  }
});
