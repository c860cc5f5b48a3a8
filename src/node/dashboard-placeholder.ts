/** Served at GET / until the dashboard (issue #5) is built: says where to look instead. */
export const DASHBOARD_PLACEHOLDER = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Vane</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Vane</h1>
<p>The server is running. The live dashboard is not built yet; meanwhile use the API:</p>
<ul>
<li><a href="/v1/streams">/v1/streams</a> and <a href="/v1/views">/v1/views</a>: the catalog</li>
<li><code>/v1/views/&lt;view&gt;</code>: a view's current rows</li>
<li><code>POST /v1/sql</code> with <code>{"sql": "…"}</code></li>
<li><code>ws://…/v1/ws</code> (subprotocol <code>vane.v1</code>): publish and subscribe</li>
<li><a href="/metrics">/metrics</a>, <a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a></li>
</ul>
</body></html>
`;
