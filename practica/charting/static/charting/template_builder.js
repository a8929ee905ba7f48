// Template builder: show a field's choices box only for choice and checklist
// fields, and its table boxes only for tables. Without JavaScript every box
// shows, and the server ignores the ones a type does not use.
function showParts(root) {
  root.querySelectorAll("[data-builder-field]").forEach((field) => {
    const type = field.querySelector("[data-builder-type]");
    if (!type) return;
    field.querySelectorAll("[data-builder-part]").forEach((part) => {
      part.hidden = !part.dataset.builderPart.split(" ").includes(type.value);
    });
  });
}

document.addEventListener("change", (event) => {
  if (event.target.matches("[data-builder-type]")) {
    showParts(event.target.closest("[data-builder-field]").parentElement);
  }
});
document.addEventListener("DOMContentLoaded", () => showParts(document));
document.addEventListener("htmx:load", (event) => showParts(event.target));
