// Progressive enhancement only: every page works without this file.
document.addEventListener("submit", (event) => {
  const form = event.target;
  // The button pressed may ask its own question (审核通过并销号), else the form asks for every button.
  const question = (event.submitter && event.submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
    return;
  }
  if (form.hasAttribute("data-keep-text")) {
    keepText(form);
  }
});

// Evidence inputs carry the server's limits: files over them are named before anything is sent, and
// the form will not submit until other files are chosen (the typed text stays where it is).
const MEGABYTE = 1024 * 1024;

function megabytes(bytes) {
  return String(Math.round((bytes / MEGABYTE) * 10) / 10);
}

function uploadProblem(input) {
  const files = Array.from(input.files || []);
  const tooBig = files.find((file) => file.size > Number(input.dataset.maxFileBytes));
  if (tooBig) {
    return input.dataset.fileTooBig.replace("{name}", tooBig.name).replace("{size}", megabytes(tooBig.size));
  }
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (total > Number(input.dataset.maxTotalBytes)) {
    return input.dataset.totalTooBig.replace("{total}", megabytes(total));
  }
  return "";
}

document.addEventListener("change", (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-max-file-bytes")) {
    return;
  }
  const problem = uploadProblem(input);
  input.setCustomValidity(problem);
  const shown = input.parentElement.querySelector("[data-testid=upload-problem]");
  if (shown) {
    shown.textContent = problem;
    shown.hidden = !problem;
  }
});

// What a liaison typed is kept in this tab while a form is sent: when the server refuses the body as too
// large (it reads none of it), it sends the browser back with ?refused=too-large and the text returns.
function textKey(form) {
  return "tracker-form:" + new URL(form.action, window.location.href).pathname;
}

function keepText(form) {
  const values = {};
  for (const element of form.elements) {
    if (!element.name || element.type === "file" || element.type === "hidden" || element.type === "submit") {
      continue;
    }
    values[element.name] = element.type === "checkbox" ? element.checked : element.value;
  }
  try {
    window.sessionStorage.setItem(textKey(form), JSON.stringify(values));
  } catch (error) {
    // Storage full or refused: the form is sent all the same.
  }
}

function restoreText(form, refused) {
  const key = textKey(form);
  const kept = window.sessionStorage.getItem(key);
  window.sessionStorage.removeItem(key);
  if (!refused || !kept) {
    return;
  }
  const values = JSON.parse(kept);
  for (const element of form.elements) {
    if (element.name in values) {
      if (element.type === "checkbox") {
        element.checked = values[element.name];
      } else {
        element.value = values[element.name];
      }
    }
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const url = new URL(window.location.href);
  const refused = url.searchParams.get("refused") === "too-large";
  try {
    document.querySelectorAll("form[data-keep-text]").forEach((form) => restoreText(form, refused));
  } catch (error) {
    return;  // no storage in this browser: nothing was kept
  }
  if (refused) {
    url.searchParams.delete("refused");
    window.history.replaceState(null, "", url);  // a reload shows the page as it is
  }
});
