// The goal form: show the measure picker or the free-metric fields, as the
// chosen target type needs. Without this script both stay visible and the
// server ignores the unused ones.
const form = document.querySelector("[data-goal-form]");
if (form) {
  const groups = form.querySelectorAll(".goal-kind");
  const update = () => {
    const chosen = form.querySelector('input[name="kind"]:checked');
    for (const group of groups) {
      group.hidden = chosen !== null && group.dataset.kind !== chosen.value;
    }
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "kind") update();
  });
  update();
}
