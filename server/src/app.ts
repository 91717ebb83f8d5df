import 'reflect-metadata';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import compression from 'compression';
import express from 'express';
import proxyaddr from 'proxy-addr';
import helmet from 'helmet';
import { GraphQLError, NoSchemaIntrospectionCustomRule, parse, specifiedRules, validate, type ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { DataSource } from 'typeorm';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Access } from './auth/access';
import { AuthService } from './auth/auth.service';
import { CLOSE_UNAUTHENTICATED, CredentialWatch } from './auth/credential-watch';
import type { Config } from './config';
import { EventHub } from './events/event-hub';
import { subscribeSharingResults } from './events/shared-execution';
import type { Context } from './graphql/context';
import { formatError, rateLimitStatusPlugin } from './graphql/errors';
import { costError, operationLimitsPlugin, queryCost, unstorableTextError, validationRules } from './graphql/limits';
import { createLoaders } from './graphql/loaders';
import { createSchema } from './graphql/schema';
import { log } from './log';
import { CONFIG, JOB_QUEUE } from './tokens';
import { Dispatcher } from './engine/dispatcher';
import { JobQueue } from './engine/job-queue';
import { WebhookDelivery } from './modules/webhook/webhook-delivery';
import { deploymentRoutes } from './http/deployment-routes';
import { answerErrorsAsJson } from './http/errors';

export interface App {
  server: http.Server;
  container: DependencyContainer;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** The largest request body (and WebSocket message) accepted. */
const BODY_LIMIT_BYTES = 2 * 1024 * 1024;
/** The largest request body accepted without a valid token: enough for signIn, not for an expensive document. */
const ANONYMOUS_BODY_LIMIT_BYTES = 16 * 1024;

/** How long requests under way may take to finish when the server stops, before their connections are cut. */
const DRAIN_GRACE_MS = 10_000;

/** The longest delay a Node timer takes; a session ending later closes the socket then, and the client reconnects. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A live connection lasts no longer than the session it was opened with: at the session's end the socket closes
 * with 4401, and the client must sign in again to reconnect (HTTP requests are refused from then on anyway).
 */
function closeWhenSessionEnds(socket: WebSocket, expiresAt: Date | undefined): void {
  if (!expiresAt) return;
  const timer = setTimeout(
    () => socket.close(4401, 'Your session has expired; sign in again'),
    Math.min(MAX_TIMER_MS, Math.max(0, expiresAt.getTime() - Date.now())),
  );
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * What the dashboard may load: its own scripts only (no inline script, no eval), and inline styles, which MUI's
 * emotion inserts at run time; images are its own or data: URLs (the icon); it talks only to its own origin
 * (HTTP and WebSocket). Not set on /graphql, whose landing page brings a policy of its own.
 */
const dashboardContentPolicy = helmet.contentSecurityPolicy({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
});

export interface AppOptions {
  /** How often open connections are checked against their credentials, besides when a change is announced. */
  credentialRecheckMs?: number;
}

/** The HTTP server: GraphQL over HTTP and WebSocket at /graphql, /healthz, and the web app at /. */
export async function createApp(config: Config, dataSource: DataSource, options: AppOptions = {}): Promise<App> {
  const container = rootContainer.createChildContainer();
  container.registerInstance(DataSource, dataSource);
  container.registerInstance(CONFIG, config);
  const events = new EventHub(dataSource);
  container.registerInstance(EventHub, events);
  const jobs = await JobQueue.start((dataSource.options as { url: string }).url);
  container.registerInstance(JOB_QUEUE, jobs);
  const schema = await createSchema(container);
  const auth = container.resolve(AuthService);
  const credentials = new CredentialWatch(dataSource, auth, { recheckIntervalMs: options.credentialRecheckMs });
  container.registerInstance(CredentialWatch, credentials);
  const contextFor = (access: Access, clientAddress: string): Context => ({
    access,
    loaders: createLoaders(dataSource, access),
    container,
    clientAddress,
  });
  const showDetails = config.env === 'development';

  // Parsing stops at this many tokens, before any authorization: the work a document costs stays bounded.
  const parseOptions = { maxTokens: config.maxQueryTokens };
  const readBody = express.json({ limit: BODY_LIMIT_BYTES });
  const readAnonymousBody = express.json({ limit: ANONYMOUS_BODY_LIMIT_BYTES });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Express reads its mode from NODE_ENV, which a deployment may not set; Shiplog's own default is production.
  app.set('env', config.env === 'development' ? 'development' : 'production');
  const server = http.createServer(app);

  // A WebSocket message is at most as large as an HTTP request may be (the library's default is 100 MiB).
  const wsServer = new WebSocketServer({ server, path: '/graphql', maxPayload: BODY_LIMIT_BYTES });
  // The same rules as over HTTP, introspection included.
  const rules = [
    ...specifiedRules,
    ...validationRules(config),
    ...(config.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  /** A refusal of the subscribe message, coded as Apollo codes it over HTTP, without schema hints outside development. */
  const refusal = (error: GraphQLError, code: string) =>
    new GraphQLError(showDetails ? error.message : error.message.replace(/ ?Did you mean(.+?)\?$/, ''), {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      extensions: { ...error.extensions, code },
    });
  const wsCleanup = useServer<{ authorization?: string }, { authorization?: string; clientAddress?: string }>(
    {
      schema,
      // Subscribers with the same operation and authorization share each event's result (see there).
      subscribe: subscribeSharingResults,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        ctx.extra.authorization = typeof authorization === 'string' ? authorization : undefined;
        // As Express's req.ip: the forwarded address when the proxy is trusted (SHIPLOG_TRUST_PROXY).
        ctx.extra.clientAddress = proxyaddr(
          ctx.extra.request,
          app.get('trust proxy fn') as (address: string, hop: number) => boolean,
        );
        const access = await auth.authenticate(ctx.extra.authorization);
        if (!access.principal) return false;
        credentials.track(ctx.extra.socket, access.principal);
        closeWhenSessionEnds(ctx.extra.socket, access.principal.expiresAt);
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        // The operation asked for is already counted.
        const max = config.maxSubscriptionsPerConnection;
        if (Object.keys(ctx.subscriptions).length > max) {
          return [
            new GraphQLError(`A connection may run at most ${max} subscriptions at once; complete one first`, {
              extensions: { code: 'BAD_REQUEST', maxSubscriptions: max },
            }),
          ];
        }
        // Every operation runs as what the credential grants now: a revoked token or an ended session runs nothing more.
        const access = await auth.authenticate(ctx.extra.authorization);
        if (!access.principal) {
          ctx.extra.socket.close(CLOSE_UNAUTHENTICATED, access.refusal);
          return [new GraphQLError(access.refusal, { extensions: { code: 'UNAUTHENTICATED' } })];
        }
        let document;
        try {
          document = parse(payload.query, parseOptions);
        } catch (error) {
          return [
            refusal(
              error instanceof GraphQLError ? error : new GraphQLError('The query could not be parsed'),
              'GRAPHQL_PARSE_FAILED',
            ),
          ];
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors.map((error) => refusal(error, 'GRAPHQL_VALIDATION_FAILED'));
        const textError = unstorableTextError(document, payload.variables);
        if (textError) return [textError];
        let cost: number;
        try {
          cost = queryCost(schema, document, payload.variables ?? undefined, payload.operationName);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        if (cost > config.maxQueryCost) return [costError(cost, config.maxQueryCost)];
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
          contextValue: contextFor(access, ctx.extra.clientAddress ?? 'unknown'),
        };
        return args;
      },
      // The same error shapes as over HTTP: refusals keep their code, anything unexpected says nothing more.
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) } : undefined,
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((error) => {
          log.debug('WebSocket operation refused', error.message);
          // Whatever graphql-ws refuses by itself (an operation name that matches nothing) is the request's fault too.
          const coded = typeof error.extensions.code === 'string' ? error : refusal(error, 'BAD_REQUEST');
          return formatError(coded.toJSON(), coded);
        }),
    },
    wsServer,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: showDetails,
    hideSchemaDetailsFromClientErrors: !showDetails,
    validationRules: validationRules(config),
    parseOptions,
    formatError: (formatted, error) => formatError(formatted, error),
    plugins: [
      operationLimitsPlugin(config),
      rateLimitStatusPlugin,
      ApolloServerPluginDrainHttpServer({ httpServer: server, stopGracePeriodMillis: DRAIN_GRACE_MS }),
    ],
    // The process stops it, in order, with everything else (see close); a second stop of its own would race that.
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  await events.start();
  await credentials.start();
  const webhookDelivery = config.engine ? container.resolve(WebhookDelivery) : null;
  if (webhookDelivery) {
    await container.resolve(Dispatcher).start();
    await webhookDelivery.start();
  }

  // Every response: no MIME sniffing, never framed, no referrer. HSTS is for whoever terminates TLS (Shiplog serves
  // plain HTTP and cannot know which hosts it covers); the dashboard's content policy is set where it is served.
  app.use(
    helmet({
      contentSecurityPolicy: false,
      strictTransportSecurity: false,
      xFrameOptions: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );

  let ready = false;
  app.get('/healthz', async (_req, res) => {
    try {
      await dataSource.query('SELECT 1');
      res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'starting' });
    } catch {
      res.status(503).json({ status: 'database unavailable' });
    }
  });

  app.use('/api', deploymentRoutes(container));

  // The CLI built with this server, for CI jobs to fetch the version that matches it (server/dist/cli, from src or dist).
  const cliFile = path.resolve(__dirname, '..', 'dist', 'cli', 'shiplog.mjs');
  app.get('/cli/shiplog.mjs', (_req, res, next) => {
    if (!fs.existsSync(cliFile)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.type('text/javascript').sendFile(cliFile);
  });

  app.use(
    '/graphql',
    // Authenticated first, so that a caller without a valid token cannot make the server read (and then parse and
    // validate) a large body: signing in takes a few hundred bytes.
    (req, res, next) => {
      auth.authenticate(req.headers.authorization).then((access) => {
        res.locals.access = access;
        (access.principal ? readBody : readAnonymousBody)(req, res, next);
      }, next);
    },
    expressMiddleware(apollo, {
      context: async ({ req, res }) => contextFor(res.locals.access as Access, req.ip ?? 'unknown'),
    }),
  );

  const indexHtml = path.join(config.webDir, 'index.html');
  if (fs.existsSync(indexHtml)) {
    app.use(dashboardContentPolicy, compression());
    // Hashed bundles never change, so browsers may keep them; index.html names the current ones, so it is never cached.
    app.use('/assets', express.static(path.join(config.webDir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }));
    app.use(express.static(config.webDir, { index: false, maxAge: '1h' }));
    app.use((req, res, next) => {
      // A missing file (/favicon.ico) is a 404; a page whose path only looks like one (/artifacts/api/1.2.0, asked for
      // by a browser navigating there, which accepts HTML) is the app.
      const isFile = path.extname(req.path) !== '' && !(req.headers.accept ?? '').includes('text/html');
      if (req.method !== 'GET' || isFile || req.path.startsWith('/api/') || req.path.startsWith('/graphql')) return next();
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(indexHtml);
    });
  } else {
    log.warn(`No web app at ${config.webDir}; build it with 'pnpm build' to serve the dashboard at /`);
  }

  app.use(answerErrorsAsJson);

  return {
    server,
    container,
    listen: (port = config.port, host = config.host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          ready = true;
          const address = server.address();
          const actualPort = typeof address === 'object' && address ? address.port : port;
          resolve(`http://${host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`);
        });
      }),
    close: async () => {
      ready = false;
      // Stop accepting: live connections are told the server is going away (1001, so clients reconnect to another
      // replica), new connections are refused, and requests under way get a grace period to finish.
      await Promise.all([wsCleanup.dispose(), apollo.stop()]);
      await credentials.stop();
      // Webhook requests under way are abandoned, their messages due again for another replica.
      await webhookDelivery?.stop();
      // Jobs under way finish; what does not finish in time is handed to another replica when it expires.
      await jobs.stop();
      await events.stop();
    },
  };
}
