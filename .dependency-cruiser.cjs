/**
 * Layer rules (ARCHITECTURE.md): the domain is pure; libraries never reach into apps; HTTP stays in
 * the api's controllers and its http/ folder; apps do not import each other; the api's features
 * do not import each other. test/layering.spec.ts shows each rule failing on a fixture.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-domain-to-framework-or-adapters',
      comment: 'libs/domain is pure TypeScript: no Nest, no adapters, no I/O libraries',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: {
        path: [
          '^libs/(event-store|analytics|messaging|platform)/',
          '^apps/',
          'node_modules/(@nestjs|@clickhouse|chdb|better-sqlite3|@eventstore|kafkajs|fastify|jose)',
        ],
      },
    },
    {
      name: 'no-domain-node-io',
      comment: 'deciders take time and identity from the command, never from the machine',
      severity: 'error',
      from: { path: '^libs/domain/' },
      to: { dependencyTypes: ['core'], path: '^(fs|net|http|https|child_process|worker_threads|node:fs|node:net|node:http|node:https|node:child_process)$' },
    },
    {
      name: 'no-libs-to-apps',
      comment: 'apps compose libraries, never the other way round',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-http-below-controllers',
      comment: 'status codes, headers and the web framework belong to the api: the libraries serve the CLI and other processes too',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: ['node_modules/(fastify|@fastify/|@nestjs/platform-|@nestjs/throttler|helmet)', '^apps/api/src/http/'] },
    },
    {
      name: 'no-http-outside-controllers',
      comment: 'in the api, only controllers (and http/, main.ts) touch the web framework: queries and views return plain values',
      severity: 'error',
      from: { path: '^apps/api/src/[^/]+/', pathNot: ['^apps/api/src/http/', '\\.controller\\.ts$'] },
      to: { path: 'node_modules/(fastify|@fastify/|@nestjs/platform-)' },
    },
    {
      name: 'no-openapi-below-inputs',
      comment: 'OpenAPI metadata is allowed on the application input classes (the shape a command takes), nowhere else below the api',
      severity: 'error',
      from: { path: '^libs/', pathNot: '^libs/application/' },
      to: { path: 'node_modules/@nestjs/swagger' },
    },
    {
      name: 'no-app-to-other-app',
      comment: 'apps compose libraries; what two apps share lives in libs/',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-cross-feature-in-api',
      comment: 'an api feature folder imports libs/ and http/, never another feature (app.module.ts composes them)',
      severity: 'error',
      from: { path: '^apps/api/src/([^/]+)/' },
      to: { path: '^apps/api/src/[^/]+/', pathNot: '^apps/api/src/($1|http)/' },
    },
    {
      name: 'no-application-to-composition',
      comment: 'use cases depend on the domain and on ports, not on how a process is put together',
      severity: 'error',
      from: { path: '^libs/application/' },
      to: { path: '^libs/(platform|messaging)/' },
    },
    {
      name: 'no-read-side-to-use-cases',
      comment: 'the read side (projections, statistics) knows nothing of commands or composition',
      severity: 'error',
      from: { path: '^libs/(analytics|event-store)/' },
      to: { path: '^libs/(application|platform|messaging)/' },
    },
    {
      name: 'no-reference-to-adapters',
      severity: 'error',
      from: { path: '^libs/reference/' },
      to: { path: ['^libs/(event-store|analytics|messaging|platform|domain)/', 'node_modules/@nestjs'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.spec\\.ts$|\\.int-spec\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.json') },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
  },
};
