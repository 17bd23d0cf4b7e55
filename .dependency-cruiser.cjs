/**
 * The import rules of STYLE.md ("Imports only go one way"), each with why. `pnpm lint` runs this.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'schema-imports-only-zod',
      comment:
        'The schema is the contract shared by SDK, backend, worker and dashboard; it must run anywhere (browsers, edge), so it imports zod only and no node: built-ins.',
      severity: 'error',
      from: { path: '^packages/schema/src' },
      to: { dependencyTypesNot: ['local'], pathNot: ['node_modules/.*zod/'] },
    },
    {
      name: 'packages-never-import-services',
      comment:
        'Published packages must install without our server code: nothing in packages/*/src imports backend/ or worker/ (their end-to-end tests may start the real backend).',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { path: '^(backend|worker)/' },
    },
    {
      name: 'node-client-only-schema-below',
      comment: 'The client sits on the schema only; transports build on the client, never the other way round.',
      severity: 'error',
      from: { path: '^packages/node/src' },
      to: { path: '^packages/(pino|winston|otel|agent)/' },
    },
    {
      name: 'adapters-do-not-import-each-other',
      comment:
        'pino, winston, otel and agent are siblings over @cloudsage/node; a cross import would couple their releases.',
      severity: 'error',
      from: { path: '^packages/(pino|winston|otel|agent)/src' },
      to: { path: '^packages/(pino|winston|otel|agent)/', pathNot: '^packages/$1/' },
    },
    {
      name: 'services-share-only-schema',
      comment:
        'backend and worker are deployed apart and share only the wire contract; the worker never touches the stores.',
      severity: 'error',
      from: { path: '^(backend|worker)/src' },
      to: {
        path: ['^packages/(node|pino|winston|otel|agent)/', 'node_modules/@cloudsage/(node|pino|winston|otel|agent)/'],
      },
    },
    {
      name: 'backend-and-worker-apart',
      comment: 'The worker is stateless and scaled apart; the backend talks to it over HTTP only.',
      severity: 'error',
      from: { path: '^(backend/src|worker/src)' },
      to: { path: '^(worker|backend)/src', pathNot: '^$1' },
    },
    {
      name: 'dashboard-talks-http-only',
      comment: 'The dashboard is a static app; it shares only schema types and reaches the backend over HTTP.',
      severity: 'error',
      from: { path: '^backend/dashboard/src' },
      to: { path: ['^backend/src', '^worker/', '^packages/(node|pino|winston|otel|agent)/'] },
    },
    {
      name: 'examples-use-published-names',
      comment: 'Examples show users what they will write: they import @cloudsage/* by published name, never by path.',
      severity: 'error',
      from: { path: '^examples/' },
      to: { path: '^(packages|backend|worker)/' },
    },
    {
      name: 'no-circular',
      comment: 'Cycles make module initialisation order fragile and hide layering mistakes.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: true,
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
