// The draft note's autosave status. The note form posts itself (hx-post) a
// moment after each change; the server answers with the status paragraph
// ("Saved at 10:42", or "Not saved: <field>: <reason>" with status 422/409,
// which app.js tells htmx to swap). This module adds what only the browser
// knows: "Saving…" while a request is in flight, and "Not saved: …" when the
// request never reached the server or the server failed. It also asks before
// leaving the page while a change is unsaved.
//
// The status paragraph (#note-status) sits in a live region that stays in the
// page, so a screen reader announces each new status.

const FORM_ID = "note-form";
let lastInputAt = 0;
let lastSavedFrom = 0; // when the input of the last successful save began
let requestFrom = 0;
let leaving = false;

function isNoteForm(element) {
  return element instanceof HTMLElement && element.id === FORM_ID;
}

function show(state, text) {
  const status = document.getElementById("note-status");
  if (!status) {
    return;
  }
  status.dataset.state = state;
  status.textContent = "";
  if (state === "error") {
    const span = document.createElement("span");
    span.className = "error";
    span.textContent = text;
    status.append(span);
  } else {
    status.textContent = text;
  }
}

document.addEventListener("input", (event) => {
  if (event.target instanceof HTMLElement && event.target.closest(`#${FORM_ID}`)) {
    lastInputAt = Date.now();
  }
});

document.addEventListener("submit", (event) => {
  // Save draft, Sign note and Copy forward post the whole form: leaving is
  // intended, and what is on screen goes with it.
  if (isNoteForm(event.target) && !event.defaultPrevented) {
    leaving = true;
  }
});

document.addEventListener("htmx:beforeRequest", (event) => {
  if (isNoteForm(event.detail.elt)) {
    requestFrom = Date.now();
    show("saving", "Saving…");
  }
});

document.addEventListener("htmx:afterRequest", (event) => {
  // 422 and 409 are swapped (they carry the reason) but saved nothing.
  const code = event.detail.xhr ? event.detail.xhr.status : 0;
  if (isNoteForm(event.detail.elt) && code >= 200 && code < 300) {
    lastSavedFrom = requestFrom;
  }
});

document.addEventListener("htmx:sendError", (event) => {
  if (isNoteForm(event.detail.elt)) {
    show(
      "error",
      "Not saved: no connection to the server. Your text stays on this page; " +
        "it is sent with your next change, or press Save draft.",
    );
  }
});

document.addEventListener("htmx:timeout", (event) => {
  if (isNoteForm(event.detail.elt)) {
    show("error", "Not saved: the server did not answer in time. Press Save draft.");
  }
});

document.addEventListener("htmx:responseError", (event) => {
  if (isNoteForm(event.detail.elt)) {
    const code = event.detail.xhr ? event.detail.xhr.status : 0;
    show("error", `Not saved: the server could not save (error ${code}). Press Save draft.`);
  }
});

window.addEventListener("beforeunload", (event) => {
  const status = document.getElementById("note-status");
  const pending = status && ["saving", "error"].includes(status.dataset.state);
  const unsaved = lastInputAt > lastSavedFrom;
  if (!leaving && (unsaved || pending)) {
    event.preventDefault();
  }
});
