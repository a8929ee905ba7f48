// Provider colours: <el data-colour="#1f6f8b"> gets --pc set from it. The CSP
// forbids style attributes, but setting a property from script is allowed.
const COLOUR = /^#[0-9a-fA-F]{6}$/;

function paint(root) {
  root.querySelectorAll("[data-colour]").forEach((el) => {
    const colour = el.dataset.colour;
    if (COLOUR.test(colour)) {
      el.style.setProperty("--pc", colour);
    }
  });
}

paint(document);
document.addEventListener("htmx:afterSettle", () => paint(document));
