// Fill a code field's <datalist> from the code search as the user types.
// The field carries data-code-search="<url>?system=icd10" and list="<datalist id>".
const DELAY_MS = 200;

function attach(input) {
  const list = document.getElementById(input.getAttribute("list"));
  if (!list) return;
  let timer = null;
  let last = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = input.value.trim();
      if (query === last || query.length < 1) return;
      last = query;
      const url = `${input.dataset.codeSearch}&q=${encodeURIComponent(query)}`;
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      if (response.ok) list.innerHTML = await response.text();
    }, DELAY_MS);
  });
}

function init(root) {
  root.querySelectorAll("input[data-code-search]").forEach((input) => {
    if (input.dataset.codePickerReady) return;
    input.dataset.codePickerReady = "1";
    attach(input);
  });
}

init(document);
document.body.addEventListener("htmx:afterSwap", (event) => init(event.target));
