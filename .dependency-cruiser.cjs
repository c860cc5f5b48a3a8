// Import rules from DESIGN.md: modules import only downward, through each other's index.ts,
// and never in a cycle. `npm run check:deps` fails on any violation.
/** Which modules each module may import (besides itself). */
const allowed = {
  cli: ['node', 'transport', 'auth', 'ingest', 'hub', 'views', 'catalog', 'sql', 'engine', 'sketch', 'log', 'bus', 'protocol', 'client', 'observability', 'util'],
  node: ['transport', 'auth', 'ingest', 'hub', 'views', 'catalog', 'sql', 'engine', 'sketch', 'log', 'bus', 'protocol', 'observability', 'util'],
  transport: ['protocol', 'auth', 'hub', 'ingest', 'observability', 'util'],
  auth: ['util'],
  ingest: ['catalog', 'log', 'protocol', 'util'],
  hub: ['views', 'protocol', 'bus', 'util'],
  views: ['engine', 'log', 'util'],
  catalog: ['sql', 'engine', 'util'],
  sql: ['engine', 'util'],
  engine: ['sketch', 'util'],
  sketch: [],
  log: ['util'],
  bus: ['util'],
  protocol: [],
  client: ['protocol'],
  observability: ['util'],
  util: [],
};

const directionRules = Object.entries(allowed).map(([from, to]) => ({
  name: `${from}-imports-only-${to.join('-') || 'nothing'}`,
  severity: 'error',
  comment: `src/${from}/ may import only: ${to.join(', ') || 'nothing inside src'} (DESIGN.md).`,
  from: { path: `^src/${from}/` },
  to: {
    path: '^src/([^/]+)/',
    pathNot: [`^src/(${[from, ...to].join('|')})/`],
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make the layering meaningless.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'through-index-only',
      severity: 'error',
      comment: 'Another module is imported through its index.ts, never a deep file.',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/.+', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    ...directionRules,
    {
      name: 'pure-layers-no-node-builtins',
      severity: 'error',
      comment: 'engine, sql, sketch, protocol and client are pure or browser-safe.',
      from: { path: '^src/(engine|sql|sketch|protocol|client)/' },
      to: { dependencyTypes: ['core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
