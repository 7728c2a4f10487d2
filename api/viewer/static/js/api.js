// The page's client of the orthograph API: GraphQL and JSON over fetch, relative to /map/ so the
// page also works behind a path prefix. The API key typed into the page goes in X-API-Key.

export class Api {
  constructor(pageUrl) {
    this.graphqlUrl = new URL("../graphql", pageUrl).href;
    this.root = new URL("../", pageUrl).href;
    this.key = "";
  }

  headers() {
    const headers = { "Content-Type": "application/json" };
    if (this.key) headers["X-API-Key"] = this.key;
    return headers;
  }

  /** True for URLs of this API (tiles, JSON), which get the key; false for an external basemap. */
  owns(url) {
    return url.startsWith(this.root);
  }

  async gql(query, variables = {}) {
    const response = await fetch(this.graphqlUrl, {
      method: "POST",
      headers: this.headers(),
      body: JSON.stringify({ query, variables }),
    });
    const body = await response.json().catch(() => ({}));
    if (body.errors && body.errors.length) {
      throw new Error(body.errors.map((e) => e.message).join("; "));
    }
    if (!response.ok || !body.data) throw new Error(`GraphQL request failed (${response.status})`);
    return body.data;
  }

  /**
   * Every node of a connection field, page by page: `field` names the connection in the answer,
   * `limit` bounds how many nodes are read. Returns {nodes, complete}.
   */
  async all(query, variables, field, pageSize, limit) {
    const nodes = [];
    let after = null;
    for (;;) {
      const data = await this.gql(query, { ...variables, first: pageSize, after });
      const page = data[field];
      nodes.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) return { nodes, complete: true };
      if (nodes.length >= limit) return { nodes: nodes.slice(0, limit), complete: false };
      after = page.pageInfo.endCursor;
    }
  }

  async json(path) {
    const headers = this.key ? { "X-API-Key": this.key } : {};
    const response = await fetch(new URL(path, this.root).href, { headers });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.description || `${path}: HTTP ${response.status}`);
    return body;
  }
}
