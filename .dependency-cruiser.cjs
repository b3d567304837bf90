/**
 * Layer rules (ARCHITECTURE.md): the domain is pure; libraries never reach into apps; HTTP stays in
 * the api's controllers and its http/ folder; apps do not import each other; the api's features
 * do not import each other. test/layering.spec.ts shows each rule failing on a fixture.
 */

/** A forbidden dependency: modules matching `from` may not import modules matching `to`. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    forbid('no-domain-to-framework-or-adapters', 'libs/domain is pure TypeScript: no Nest, no adapters, no I/O libraries', { path: '^libs/domain/' }, {
      path: [
        '^libs/(event-store|analytics|messaging|platform|application)/',
        '^apps/',
        'node_modules/(@nestjs|@clickhouse|chdb|better-sqlite3|@eventstore|kafkajs|fastify|jose)',
      ],
    }),
    forbid('no-domain-node-io', 'deciders take time and identity from the command, never from the machine', { path: '^libs/domain/' }, {
      dependencyTypes: ['core'],
      path: '^(fs|net|http|https|child_process|worker_threads|node:fs|node:net|node:http|node:https|node:child_process)$',
    }),
    forbid('no-libs-to-apps', 'apps compose libraries, never the other way round', { path: '^libs/' }, { path: '^apps/' }),
    forbid(
      'no-http-below-controllers',
      'status codes, headers and the web framework belong to the api: the libraries serve the CLI and other processes too',
      { path: '^libs/' },
      { path: ['node_modules/(fastify|@fastify/|@nestjs/platform-|@nestjs/throttler|helmet)', '^apps/api/src/http/'] },
    ),
    forbid(
      'no-http-outside-controllers',
      'in the api, only controllers (and http/, main.ts) touch the web framework: queries and views return plain values',
      { path: '^apps/api/src/[^/]+/', pathNot: ['^apps/api/src/http/', '\\.controller\\.ts$'] },
      { path: 'node_modules/(fastify|@fastify/|@nestjs/platform-)' },
    ),
    forbid(
      'no-openapi-below-inputs',
      'OpenAPI metadata is allowed on the application input classes (the shape a command takes), nowhere else below the api',
      { path: '^libs/', pathNot: '^libs/application/' },
      { path: 'node_modules/@nestjs/swagger' },
    ),
    forbid('no-app-to-other-app', "apps compose libraries; what two apps share lives in libs/", { path: '^apps/([^/]+)/' }, { path: '^apps/', pathNot: '^apps/$1/' }),
    forbid(
      'no-cross-feature-in-api',
      'an api feature folder imports libs/ and http/, never another feature (app.module.ts composes them)',
      { path: '^apps/api/src/([^/]+)/' },
      { path: '^apps/api/src/[^/]+/', pathNot: '^apps/api/src/($1|http)/' },
    ),
    forbid('no-application-to-composition', 'use cases depend on the domain and on ports, not on how a process is put together', { path: '^libs/application/' }, { path: '^libs/(platform|messaging)/' }),
    forbid('no-read-side-to-use-cases', 'the read side (projections, statistics) knows nothing of commands or composition', { path: '^libs/(analytics|event-store)/' }, { path: '^libs/(application|platform|messaging)/' }),
    forbid('no-reference-to-adapters', 'reference data is plain data', { path: '^libs/reference/' }, { path: ['^libs/(event-store|analytics|messaging|platform|domain|application)/', 'node_modules/@nestjs'] }),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^dist/|\\.spec\\.ts$|\\.int-spec\\.ts$)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: require('node:path').join(__dirname, 'tsconfig.json') },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
  },
};
