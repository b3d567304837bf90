/** Layer rules (STYLE.md): the domain is pure; libraries never reach into apps. */
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
