// DOM helpers shared by the page's panels.

/** A list item; `id` (an object id) makes it clickable, `data` goes into its data-* attributes. */
export function item(id, text, data = {}) {
  const li = document.createElement("li");
  if (id) li.dataset.id = id;
  Object.assign(li.dataset, data);
  li.textContent = text;
  return li;
}

/** Fill a <select> with [value, label] pairs. */
export function fillSelect(select, options) {
  select.replaceChildren(
    ...options.map(([value, label]) => Object.assign(document.createElement("option"), { value, textContent: label })),
  );
}

let hideTimer = null;

/** A short message at the bottom of the page; errors stay until the next message. */
export function say(text, { error = false } = {}) {
  const box = document.getElementById("message");
  box.textContent = text;
  box.classList.toggle("error", error);
  box.classList.add("shown");
  clearTimeout(hideTimer);
  if (!error) hideTimer = setTimeout(() => box.classList.remove("shown"), 4000);
}
