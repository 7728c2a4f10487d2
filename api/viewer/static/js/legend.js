// The legend, generated from the ontology (`/map/legend.json`): every class with its colour and
// how many of its objects the loaded tiles hold at the shown scale (classes the ontology does not draw at
// that scale are dimmed); clicking a class hides or shows it. Below, the colours of the diff.

export class Legend {
  constructor(legend, onToggle) {
    this.legend = legend;
    this.hidden = new Set();
    const list = document.getElementById("legend-classes");
    list.replaceChildren(...legend.classes.map((cls) => {
      const li = document.createElement("li");
      li.dataset.class = cls.id;
      li.title = cls.description;
      const swatch = document.createElement("span");
      swatch.className = `swatch ${cls.geometry}`;
      swatch.style.background = cls.colour;
      const label = Object.assign(document.createElement("span"), { textContent: cls.label });
      const count = Object.assign(document.createElement("span"), { className: "count" });
      li.append(swatch, label, count);
      return li;
    }));
    list.addEventListener("click", (event) => {
      const li = event.target.closest("li[data-class]");
      if (!li) return;
      const cls = li.dataset.class;
      if (this.hidden.has(cls)) this.hidden.delete(cls);
      else this.hidden.add(cls);
      li.style.textDecoration = this.hidden.has(cls) ? "line-through" : "";
      onToggle(this.hidden);
    });
    document.getElementById("legend-changes").replaceChildren(...legend.changes.map((change) => {
      const li = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = change.colour;
      li.append(swatch, Object.assign(document.createElement("span"), { textContent: change.kind.toLowerCase().replace("_", " ") }));
      return li;
    }));
  }

  /** Show the counts of the loaded tiles (`byClass`) at `scale`. */
  update(byClass, scale) {
    for (const cls of this.legend.classes) {
      const li = document.querySelector(`#legend-classes li[data-class="${cls.id}"]`);
      const n = byClass[cls.id] ?? 0;
      li.querySelector(".count").textContent = n ? String(n) : "";
      li.classList.toggle("absent", !cls.scales.includes(scale) && !n);
    }
  }
}
