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
      comment:
        'The worker is stateless and scaled apart; the backend talks to it over HTTP only. Their tests, benches and evals keep to the same line: a test that needs the other service starts it as a process.',
      severity: 'error',
      from: { path: '^(backend|worker)/(src|test|bench|eval)/' },
      to: { path: '^(worker|backend)/', pathNot: '^$1/' },
    },
    {
      name: 'shipped-code-never-imports-tests',
      comment:
        'Tests, benches and evals are neither published nor copied into the images; code under src/ that imported one would break the build or the image (tests may import the src they test, never the other way round).',
      severity: 'error',
      from: { path: '^(packages/[^/]+|backend|backend/dashboard|worker)/src/' },
      to: { path: ['^(packages/[^/]+|backend|worker)/(test|bench|eval)/', '^bench/'] },
    },
    {
      name: 'backend-store-knows-no-domain',
      comment:
        'backend/src/store keeps and fetches rows and objects (drivers, memory, forecast cache, rate limits). It never imports services, routes, plugins, HTTP helpers or instrumentation, so everything above can build on it without a cycle and a driver can change alone.',
      severity: 'error',
      from: { path: '^backend/src/store/' },
      to: { path: ['^backend/src/(services|routes|plugins|http|instrumentation)/', '^backend/src/(app|server)[.]ts$'] },
    },
    {
      name: 'backend-services-know-no-http',
      comment:
        'Handlers are thin and logic lives in services (STYLE habit 11): a service is called by routes, the dispatcher and tests alike, so it never imports a route, a Fastify plugin or a request helper; what it needs from the app is passed in.',
      severity: 'error',
      from: { path: '^backend/src/services/' },
      to: { path: ['^backend/src/(routes|plugins|http)/', '^backend/src/(app|server)[.]ts$'] },
    },
    {
      name: 'backend-http-helpers-below-routes',
      comment:
        'backend/src/http holds the request and reply helpers every route plugin shares (validation, JSON bodies, session cookies); one that imported a route or plugin would tie all routes to it and make cycles.',
      severity: 'error',
      from: { path: '^backend/src/http/' },
      to: { path: ['^backend/src/(routes|plugins)/', '^backend/src/(app|server)[.]ts$'] },
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
