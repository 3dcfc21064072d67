// Renders /api/v1/openapi.json as a list of operations with their parameters (no CDN, no
// inline script: the CSP allows only our own files). Text goes in through textContent.
(function () {
  "use strict";
  const root = document.getElementById("api-operations");
  if (!root) return;

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function operation(path, method, op) {
    const section = el("section", null, "mb-3");
    const head = el("h2", null, "h6");
    head.appendChild(el("code", method.toUpperCase() + " " + path));
    section.appendChild(head);
    if (op.summary || op.description) section.appendChild(el("p", op.description || op.summary));
    const params = op.parameters || [];
    if (params.length) {
      const list = el("ul", null, "small");
      params.forEach(function (p) {
        const schema = p.schema || {};
        const kind = schema.type || (schema.enum ? "enum" : "");
        const bits = [p.name, "(" + p["in"] + (kind ? ", " + kind : "") + ")"];
        if (schema.enum) bits.push(schema.enum.join(" | "));
        if (p.description) bits.push("– " + p.description);
        list.appendChild(el("li", bits.join(" ")));
      });
      section.appendChild(list);
    }
    const codes = Object.keys(op.responses || {}).join(", ");
    if (codes) section.appendChild(el("p", "→ " + codes, "small text-muted"));
    return section;
  }

  fetch(root.dataset.spec, { headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (spec) {
      root.appendChild(el("p", spec.info.title + " · " + spec.info.version + " · OpenAPI " + spec.openapi));
      Object.keys(spec.paths).sort().forEach(function (path) {
        const item = spec.paths[path];
        Object.keys(item).forEach(function (method) {
          if (method !== "parameters") root.appendChild(operation(path, method, item[method]));
        });
      });
    })
    .catch(function () { root.appendChild(el("p", "openapi.json could not be loaded.")); });
})();
