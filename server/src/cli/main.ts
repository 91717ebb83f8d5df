/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access,
   @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument --
   the commands read API answers (Json) whose shape their own query names, and print them as they came. */
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { request, type Connection } from './client';
import { completionScript } from './completion';
import { configurationYaml, readDocuments, renderPlan, writeExport } from './configuration';
import { CliError, EXIT, EXIT_CODES_HELP } from './exit-codes';
import { Output, record, table, type Format } from './output';
import { loadProfile, removeProfile, saveProfile } from './profiles';
import { installationIds, installationKey, releaseId } from './resolve';
import { ROLLOUT_STATE_FIELDS, parseDuration, waitForRollout, type RolloutState } from './wait';

declare const SHIPLOG_CLI_VERSION: string;

interface GlobalOptions {
  url?: string;
  token?: string;
  profile?: string;
  output: Format;
  quiet?: boolean;
  color: boolean;
}

/** Commands whose own --url is not the server's (an orchestrator's page): the server comes from elsewhere there. */
const urlIsNotServer = new WeakSet<Command>();

/** The common options, given on the command itself (after it) or before it: the nearest one counts. */
function commonOption(command: Command, key: keyof GlobalOptions): unknown {
  for (let current: Command | null = command; current; current = current.parent) {
    if (key === 'url' && current === command && urlIsNotServer.has(command)) continue;
    const value = current.getOptionValue(key) as unknown;
    if (key === 'color' ? value === false : value !== undefined) return value;
  }
  return undefined;
}

/** Adds the common options to a command that runs something (they may be given before it too). */
function addCommonOptions(command: Command, root: boolean): void {
  const has = (flag: string) => command.options.some((option) => option.long === flag);
  if (!has('--url')) command.option('--url <url>', "the Shiplog server (default: $SHIPLOG_URL, or the profile's)");
  command
    .option('--token <token>', "an API token or session (default: $SHIPLOG_TOKEN, or the profile's)")
    .option('--profile <name>', 'the profile stored by shiplog login (default: $SHIPLOG_PROFILE or "default")')
    .addOption(new Option('-o, --output <format>', 'output format (default: table)').choices(['table', 'json', 'yaml']))
    .option('-q, --quiet', 'print no messages, and no tables (json and yaml still print)')
    .option('--no-color', 'plain output: no colours, no progress line that rewrites itself');
  if (!root) command.helpOption('-h, --help', 'display help for command');
}

/** Everything a command needs: where the server is, with what credential, and how to print. */
function contextOf(command: Command, requireUrl = true): { connection: Connection; output: Output; profile: string } {
  const option = (key: keyof GlobalOptions) => commonOption(command, key) as string | undefined;
  const profileName = option('profile') ?? process.env.SHIPLOG_PROFILE ?? 'default';
  const stored = loadProfile(profileName);
  const givenUrl = option('url');
  const url = givenUrl ?? process.env.SHIPLOG_URL ?? stored?.url;
  if (!url && requireUrl) {
    throw new CliError('No server given: pass --url, set SHIPLOG_URL, or sign in with shiplog login --url', EXIT.USAGE);
  }
  // A stored session is sent only to the server it came from.
  const token = option('token') ?? process.env.SHIPLOG_TOKEN ?? (stored && stored.url === url ? stored.token : undefined);
  const color = commonOption(command, 'color') !== false && !process.env.NO_COLOR && Boolean(process.stderr.isTTY);
  return {
    connection: { url: url ?? '', token },
    output: new Output({ format: (option('output') as Format | undefined) ?? 'table', quiet: Boolean(option('quiet')), color }),
    profile: profileName,
  };
}

// ---- argument parsers (a bad value is a usage error, exit 2) ----

function parser<T>(parse: (value: string) => T) {
  return (value: string) => {
    try {
      return parse(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

function collect<T>(parse: (value: string) => T) {
  return (value: string, previous: T[] = []) => [...previous, parser(parse)(value)];
}

const positiveInt = parser((value) => {
  if (!/^\d+$/.test(value)) throw new Error(`'${value}' is not a whole number`);
  return Number(value);
});

function label(value: string) {
  const match = /^([^=]+)=(.*)$/.exec(value);
  if (!match) throw new Error(`'${value}' is not KEY=VALUE`);
  return { key: match[1], value: match[2] };
}

function wave(value: string) {
  const [kind, rest] = [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)];
  if (kind === 'label') return { tenantLabels: [label(rest)] };
  if ((kind === 'count' || kind === 'percent') && /^\d+$/.test(rest)) return { [kind]: Number(rest) };
  throw new Error(`'${value}' is not label:KEY=VALUE, count:N or percent:P`);
}

function component(value: string) {
  const match = /^([^=@\s]+)=([^@\s]*)@(\d+)$/.exec(value);
  if (!match) throw new Error(`'${value}' is not APP=VERSION@STAGE`);
  return { applicationSlug: match[1], ...(match[2] ? { artifactVersion: match[2] } : {}), stage: Number(match[3]) };
}

function since(value: string) {
  if (/^(\d+(ms|s|m|h))+$/.test(value)) return new Date(Date.now() - parseDuration(value)).toISOString();
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`'${value}' is neither a duration (30m, 2h) nor a date`);
  return date.toISOString();
}

// ---- GraphQL selections ----

const RELEASE_FIELDS = `id version status statusReason instructions artifactSelection lockBlockers createdAt createdBy updatedAt
  lockedAt lockedBy track { slug }
  components { stage instructions application { slug } artifact { version imageRef digest } }`;

const ROLLOUT_FIELDS = `${ROLLOUT_STATE_FIELDS} reason createdAt createdBy startedAt finishedAt maxParallel errorBudgetPercent
  promoteAfterSeconds release { id version track { slug } }
  targets(first: 500) { id wave status statusReason currentStage approvedBy startedAt finishedAt
    installation { slug tenant { slug } tier { name } } }`;

const DEPLOYMENT_FIELDS = `id status kind stage attempt reason triggeredBy message externalUrl queuedAt startedAt finishedAt
  application { slug } artifact { version } installation { slug tenant { slug } } rollout { id }`;

const ARTIFACT_FIELDS = 'id version imageRef digest commitSha buildUrl registeredBy createdAt application { slug }';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const where = (installation: Json) => `${installation.tenant.slug}/${installation.slug}`;

function renderRelease(release: Json): string {
  const head = record([
    ['release', `${release.track.slug} ${release.version}`],
    ['id', release.id],
    ['status', release.status],
    ['reason', release.statusReason],
    ['locked', release.lockedAt ? `${release.lockedAt} by ${release.lockedBy}` : null],
    ['blockers', release.status === 'DRAFT' ? release.lockBlockers : null],
  ]);
  const components = (release.components as Json[]).length
    ? table(release.components as Json[], [
        ['stage', (c) => c.stage],
        ['application', (c) => c.application.slug],
        ['version', (c) => c.artifact?.version],
        ['image', (c) => c.artifact?.imageRef],
      ])
    : '(no components)';
  return `${head}\n\n${components}`;
}

function renderRollout(rollout: Json): string {
  const p = rollout.progress;
  const head = record([
    ['rollout', rollout.id],
    ['release', `${rollout.release.track.slug} ${rollout.release.version}`],
    ['status', rollout.status],
    ['reason', rollout.statusReason ?? rollout.reason],
    ['wave', `${rollout.currentWave}/${rollout.waveCount}`],
    ['progress', `${p.finished}/${p.total} finished: ${p.succeeded} succeeded, ${p.failed} failed, ${p.running} running`],
    ['waiting', p.awaitingApproval ? `${p.awaitingApproval} for approval` : null],
  ]);
  const targets = table(rollout.targets as Json[], [
    ['installation', (t) => where(t.installation)],
    ['wave', (t) => t.wave],
    ['status', (t) => t.status],
    ['tier', (t) => t.installation.tier.name],
    ['note', (t) => t.statusReason],
  ]);
  return `${head}\n\n${targets}`;
}

function renderDeployments(deployments: Json[]): string {
  return table(deployments, [
    ['id', (d) => d.id],
    ['installation', (d) => where(d.installation)],
    ['application', (d) => d.application.slug],
    ['version', (d) => d.artifact.version],
    ['status', (d) => d.status],
    ['finished', (d) => d.finishedAt],
  ]);
}

// ---- the program ----

/** Wraps an action: the command's context first, errors end the process with their code (see main). */
function act<A extends unknown[]>(
  run: (context: ReturnType<typeof contextOf>, ...args: A) => Promise<number | void>,
  options: { requireUrl?: boolean } = {},
) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const code = await run(contextOf(command, options.requireUrl ?? true), ...(args.slice(0, -1) as A));
    if (typeof code === 'number') process.exitCode = code;
  };
}

async function waitAndReport(
  context: ReturnType<typeof contextOf>,
  rolloutId: string,
  timeout: number | undefined,
): Promise<number> {
  const { code, state } = await waitForRollout(context.connection, rolloutId, context.output, {
    timeoutMs: timeout,
    interactive: Boolean(process.stderr.isTTY) && context.output.options.color,
  });
  const { rollout } = await request<{ rollout: Json }>(
    context.connection,
    `query ($id: ID!) { rollout(id: $id) { ${ROLLOUT_FIELDS} } }`,
    {
      id: state.id,
    },
  );
  context.output.data(rollout, () => renderRollout(rollout));
  if (code !== EXIT.OK) {
    process.stderr.write(
      `shiplog: rollout ${state.id} ended ${state.status}${state.statusReason ? `: ${state.statusReason}` : ''}\n`,
    );
  }
  return code;
}

export function buildProgram(): Command {
  const program = new Command('shiplog');
  program
    .description('Shiplog from the command line: artifacts, releases, rollouts, deployments.')
    .version(
      typeof SHIPLOG_CLI_VERSION === 'string' ? SHIPLOG_CLI_VERSION : 'dev',
      '-V, --cli-version',
      'print the version of the CLI',
    )
    .enablePositionalOptions()
    // Wrapped to the terminal, and to 80 columns where there is none (CI logs).
    .configureHelp({ helpWidth: process.stdout.isTTY ? undefined : 80, minWidthToWrap: 20 })
    .exitOverride();
  addCommonOptions(program, true);
  program.addHelpText('after', `\n${EXIT_CODES_HELP}`);

  const timeoutOption = () =>
    new Option('--timeout <duration>', 'stop waiting after this long (30s, 10m, 1h); exit 6').argParser(parser(parseDuration));

  // Every subcommand states the exit codes in its help too.
  const withCodes = (command: Command) => command.addHelpText('after', `\n${EXIT_CODES_HELP}`);

  // ---- sign-in ----

  withCodes(program.command('login'))
    .description('sign in and store the session in the profile (the password is asked for without echo)')
    .option('--username <name>', 'who signs in (asked for when left out)')
    .action(
      act(async ({ connection, output, profile }, options: { username?: string }) => {
        const answers = prompter();
        try {
          const username = options.username ?? (await answers.ask('Username: ', true));
          const password = await answers.ask('Password: ', false);
          if (!username || !password) throw new CliError('A username and a password are needed', EXIT.USAGE);
          const { signIn } = await request<{ signIn: { token: string; expiresAt: string; user: { username: string } } }>(
            { url: connection.url },
            'mutation ($input: SignInInput!) { signIn(input: $input) { token expiresAt user { username } } }',
            { input: { username, password } },
          );
          const file = saveProfile(profile, { url: connection.url, token: signIn.token, username, expiresAt: signIn.expiresAt });
          output.info(
            `Signed in to ${connection.url} as ${username} (profile ${profile}, until ${signIn.expiresAt}; stored in ${file})`,
          );
        } finally {
          answers.close();
        }
      }),
    );

  withCodes(program.command('logout'))
    .description("end the profile's session and forget it")
    .action(
      act(
        async ({ output, profile }) => {
          const stored = loadProfile(profile);
          if (!stored) {
            output.info(`Not signed in (profile ${profile})`);
            return;
          }
          try {
            await request(stored, 'mutation { signOut }');
          } catch (error) {
            // An expired session or an unreachable server: the local session is forgotten all the same.
            output.info(`The server did not end the session: ${(error as Error).message}`);
          }
          removeProfile(profile);
          output.info(`Signed out (profile ${profile})`);
        },
        { requireUrl: false },
      ),
    );

  // ---- artifacts ----

  const artifact = program.command('artifact').description('build artifacts');
  withCodes(artifact.command('register'))
    .description('register a build of an application (idempotent: the same artifact again changes nothing)')
    .requiredOption('--app <slug>', 'the application')
    .requiredOption('--version <version>', 'the version')
    .requiredOption('--image <ref>', 'the image reference')
    .requiredOption('--digest <digest>', 'the image digest (sha256:…)')
    .option('--commit <sha>', 'the commit built')
    .option('--build-url <url>', 'the CI build')
    .action(
      act(async ({ connection, output }, options: Json) => {
        const { registerArtifact } = await request<{ registerArtifact: Json }>(
          connection,
          `mutation ($input: RegisterArtifactInput!) { registerArtifact(input: $input) { ${ARTIFACT_FIELDS} } }`,
          {
            input: {
              applicationSlug: options.app,
              version: options.version,
              imageRef: options.image,
              digest: options.digest,
              commitSha: options.commit,
              buildUrl: options.buildUrl,
            },
          },
        );
        output.data(registerArtifact, () =>
          record([
            ['artifact', `${registerArtifact.application.slug} ${registerArtifact.version}`],
            ['id', registerArtifact.id],
            ['image', registerArtifact.imageRef],
            ['digest', registerArtifact.digest],
            ['commit', registerArtifact.commitSha],
          ]),
        );
      }),
    );

  // ---- releases ----

  const release = program.command('release').description('releases: versions of a track that combine artifacts');
  const trackAndVersion = (command: Command) =>
    command.requiredOption('--track <slug>', 'the release track').requiredOption('--version <version>', 'the release version');
  const printRelease = (output: Output, value: Json) => output.data(value, () => renderRelease(value));

  withCodes(trackAndVersion(release.command('create')))
    .description('create a DRAFT release')
    .option('--clone-from <version>', 'copy the components of this release of the track')
    .action(
      act(async ({ connection, output }, options: Json) => {
        const cloneFromReleaseId = options.cloneFrom ? await releaseId(connection, options.track, options.cloneFrom) : undefined;
        const { createRelease } = await request<{ createRelease: Json }>(
          connection,
          `mutation ($input: CreateReleaseInput!) { createRelease(input: $input) { ${RELEASE_FIELDS} } }`,
          { input: { trackSlug: options.track, version: options.version, cloneFromReleaseId } },
        );
        printRelease(output, createRelease);
      }),
    );

  withCodes(trackAndVersion(release.command('set')))
    .description("set a draft release's components (all of them: those left out are removed)")
    .addOption(
      new Option('--component <APP=VERSION@STAGE>', 'a component; repeat for each (VERSION may be empty in a draft)')
        .argParser(collect(component))
        .makeOptionMandatory(),
    )
    .action(
      act(async ({ connection, output }, options: Json) => {
        const id = await releaseId(connection, options.track, options.version);
        const { setReleaseComponents } = await request<{ setReleaseComponents: Json }>(
          connection,
          `mutation ($input: SetReleaseComponentsInput!) { setReleaseComponents(input: $input) { ${RELEASE_FIELDS} } }`,
          { input: { releaseId: id, components: options.component } },
        );
        printRelease(output, setReleaseComponents);
      }),
    );

  const lifecycle = [
    ['lock', 'lockRelease', 'LockReleaseInput', 'lock a draft release: it can roll out, and no longer changes', false],
    ['unlock', 'unlockRelease', 'UnlockReleaseInput', 'unlock a release back to a draft (needs --reason)', true],
    ['rescind', 'rescindRelease', 'RescindReleaseInput', 'rescind a release: it never rolls out again (needs --reason)', true],
  ] as const;
  for (const [name, mutation, input, description, needsReason] of lifecycle) {
    withCodes(trackAndVersion(release.command(name)))
      .description(description)
      .option('--reason <text>', 'why')
      .action(
        act(async ({ connection, output }, options: Json) => {
          if (needsReason && !options.reason) throw new CliError(`release ${name} needs --reason`, EXIT.USAGE);
          const id = await releaseId(connection, options.track, options.version);
          const result = await request<Record<string, Json>>(
            connection,
            `mutation ($input: ${input}!) { ${mutation}(input: $input) { ${RELEASE_FIELDS} } }`,
            { input: { releaseId: id, ...(needsReason ? { reason: options.reason } : {}) } },
          );
          printRelease(output, result[mutation]);
        }),
      );
  }

  withCodes(trackAndVersion(release.command('show')))
    .description('show a release and its components')
    .action(
      act(async ({ connection, output }, options: Json) => {
        const id = await releaseId(connection, options.track, options.version);
        const { release: found } = await request<{ release: Json }>(
          connection,
          `query ($id: ID!) { release(id: $id) { ${RELEASE_FIELDS} } }`,
          { id },
        );
        printRelease(output, found);
      }),
    );

  withCodes(release.command('list'))
    .description("list a track's releases, newest first (at most 100)")
    .requiredOption('--track <slug>', 'the release track')
    .addOption(
      new Option('--status <status>', 'only releases in this status').choices(['DRAFT', 'LOCKED', 'ON_HOLD', 'RESCINDED']),
    )
    .action(
      act(async ({ connection, output }, options: Json) => {
        const { releaseTrack } = await request<{ releaseTrack: Json | null }>(
          connection,
          `query ($slug: String!, $filter: ReleaseFilter) {
            releaseTrack(slug: $slug) { releases(first: 100, filter: $filter) { totalCount nodes { ${RELEASE_FIELDS} } } }
          }`,
          { slug: options.track, filter: options.status ? { statuses: [options.status] } : null },
        );
        if (!releaseTrack) throw new CliError(`No release track '${options.track}'`, EXIT.REFUSED);
        const releases = releaseTrack.releases.nodes as Json[];
        output.data(releases, () =>
          table(releases, [
            ['version', (r) => r.version],
            ['status', (r) => r.status],
            ['components', (r) => (r.components as Json[]).length],
            ['created', (r) => r.createdAt],
            ['by', (r) => r.createdBy],
          ]),
        );
      }),
    );

  // ---- rollouts ----

  const rollout = program.command('rollout').description('rollouts: a locked release delivered to installations');

  const planOptions = (command: Command) =>
    trackAndVersion(command)
      .option('--installation <TENANT/SLUG>', 'an installation; repeat for each', collect(installationKey))
      .option('--tenant <slug>', 'installations of this tenant; repeat for each', collect(String))
      .option('--tenant-label <KEY=VALUE>', 'installations of tenants with this label; repeat for each', collect(label))
      .option('--tier <name>', 'installations in this tier; repeat for each', collect(String))
      .option('--wave <label:K=V|count:N|percent:P>', 'the next wave; repeat for each, in order', collect(wave));

  const planInput = async (connection: Connection, options: Json) => {
    const selector =
      options.tenant || options.tenantLabel || options.tier
        ? { tenantSlugs: options.tenant, tenantLabels: options.tenantLabel, tiers: options.tier }
        : undefined;
    const installations = options.installation as { tenant: string; slug: string }[] | undefined;
    return {
      releaseId: await releaseId(connection, options.track, options.version),
      installationIds: installations
        ? await installationIds(
            connection,
            installations.map((i) => `${i.tenant}/${i.slug}`),
          )
        : undefined,
      selector,
      waves: options.wave,
    };
  };

  withCodes(planOptions(rollout.command('preview')))
    .description('what a rollout would do, without starting it (exit 4 when something blocks it)')
    .action(
      act(async ({ connection, output }, options: Json) => {
        const { previewRollout } = await request<{ previewRollout: Json }>(
          connection,
          `query ($input: RolloutPlanInput!) { previewRollout(input: $input) {
            blockers targetCount deploymentCount skipCount excludedCount waveCount release { id version track { slug } }
            targets(first: 500) { wave requiresApproval installation { slug tenant { slug } tier { name } } stages { stage } }
            excluded(first: 500) { reason installation { slug tenant { slug } } }
          } }`,
          { input: await planInput(connection, options) },
        );
        const plan = previewRollout;
        output.data(plan, () =>
          [
            record([
              ['release', `${plan.release.track.slug} ${plan.release.version}`],
              ['targets', plan.targetCount],
              ['deployments', plan.deploymentCount],
              ['waves', plan.waveCount],
              ['skipped', plan.skipCount],
              ['excluded', plan.excludedCount],
            ]),
            '',
            table(plan.targets as Json[], [
              ['installation', (t) => where(t.installation)],
              ['wave', (t) => t.wave],
              ['tier', (t) => t.installation.tier.name],
              ['approval', (t) => (t.requiresApproval ? 'required' : '-')],
            ]),
          ].join('\n'),
        );
        if ((plan.blockers as string[]).length) {
          throw new CliError('The rollout cannot start', EXIT.REFUSED, plan.blockers as string[]);
        }
      }),
    );

  withCodes(planOptions(rollout.command('start')))
    .description('start a rollout')
    .option('--max-parallel <n>', 'installations deploying at once', positiveInt)
    .addOption(new Option('--policy <policy>', 'what a failure does').choices(['CONTINUE', 'PAUSE', 'ROLLBACK']))
    .option('--error-budget <percent>', 'fail the rollout when more than this percentage of installations failed', positiveInt)
    .option('--reason <text>', 'why (recorded with the rollout)', 'Started with the shiplog CLI')
    .option('--wait', 'wait until the rollout ends (exit 0 succeeded, 5 not)')
    .addOption(timeoutOption())
    .action(
      act(async (context, options: Json) => {
        const { connection, output } = context;
        const { startRollout } = await request<{ startRollout: Json }>(
          connection,
          `mutation ($input: StartRolloutInput!) { startRollout(input: $input) { ${ROLLOUT_FIELDS} } }`,
          {
            input: {
              ...(await planInput(connection, options)),
              maxParallel: options.maxParallel,
              failurePolicy: options.policy,
              errorBudgetPercent: options.errorBudget,
              reason: options.reason,
            },
          },
        );
        output.info(`Started rollout ${startRollout.id}`);
        if (options.wait) return waitAndReport(context, startRollout.id as string, options.timeout as number | undefined);
        output.data(startRollout, () => renderRollout(startRollout));
      }),
    );

  withCodes(rollout.command('status'))
    .description('show a rollout and its installations')
    .argument('<id>', 'the rollout')
    .option('--wait', 'wait until the rollout ends (exit 0 succeeded, 5 not)')
    .addOption(timeoutOption())
    .action(
      act(async (context, id: string, options: Json) => {
        if (options.wait) return waitAndReport(context, id, options.timeout as number | undefined);
        const { rollout: found } = await request<{ rollout: Json | null }>(
          context.connection,
          `query ($id: ID!) { rollout(id: $id) { ${ROLLOUT_FIELDS} } }`,
          { id },
        );
        if (!found) throw new CliError(`No rollout ${id}`, EXIT.REFUSED);
        context.output.data(found, () => renderRollout(found));
      }),
    );

  withCodes(rollout.command('list'))
    .description('list rollouts, newest first (at most 100)')
    .addOption(
      new Option('--status <status>', 'only rollouts in this status').choices([
        'PENDING',
        'RUNNING',
        'WAITING_FOR_PROMOTION',
        'PAUSED',
        'SUCCEEDED',
        'FAILED',
        'ABORTED',
      ]),
    )
    .option('--track <slug>', 'only rollouts of a release of this track (with --version)')
    .option('--version <version>', 'only rollouts of this release (with --track)')
    .action(
      act(async ({ connection, output }, options: Json) => {
        if (Boolean(options.track) !== Boolean(options.version))
          throw new CliError('--track and --version go together', EXIT.USAGE);
        const filter = {
          statuses: options.status ? [options.status] : undefined,
          releaseId: options.track ? await releaseId(connection, options.track, options.version) : undefined,
        };
        const { rollouts } = await request<{ rollouts: Json }>(
          connection,
          `query ($filter: RolloutFilter) { rollouts(first: 100, filter: $filter) { totalCount nodes {
            ${ROLLOUT_STATE_FIELDS} reason createdAt createdBy startedAt finishedAt release { id version track { slug } } } } }`,
          { filter },
        );
        const nodes = rollouts.nodes as Json[];
        output.data(nodes, () =>
          table(nodes, [
            ['id', (r) => r.id],
            ['release', (r) => `${r.release.track.slug} ${r.release.version}`],
            ['status', (r) => r.status],
            ['done', (r) => `${r.progress.finished}/${r.progress.total}`],
            ['created', (r) => r.createdAt],
          ]),
        );
      }),
    );

  const rolloutCommands = [
    ['pause', 'pauseRollout(input: { rolloutId: $id, reason: $reason })', 'pause a rollout: nothing new starts'],
    ['resume', 'resumeRollout(input: { rolloutId: $id })', 'resume a paused rollout'],
    [
      'abort',
      'abortRollout(input: { rolloutId: $id, reason: $reason })',
      'abort a rollout: nothing new starts, queued work is cancelled',
    ],
    ['promote', 'promoteRollout(input: { rolloutId: $id })', 'start the next wave of a rollout waiting for promotion'],
  ] as const;
  for (const [name, mutation, description] of rolloutCommands) {
    const command = withCodes(rollout.command(name)).description(description).argument('<id>', 'the rollout');
    const takesReason = mutation.includes('$reason');
    if (takesReason) command.option('--reason <text>', 'why', name === 'abort' ? 'Aborted with the shiplog CLI' : undefined);
    command.action(
      act(async ({ connection, output }, id: string, options: Json) => {
        const result = await request<Record<string, RolloutState>>(
          connection,
          `mutation ($id: ID!${takesReason ? ', $reason: String' + (name === 'abort' ? '!' : '') : ''}) {
            result: ${mutation} { ${ROLLOUT_FIELDS} } }`,
          { id, ...(takesReason ? { reason: options.reason ?? null } : {}) },
        );
        const updated = result.result as unknown as Json;
        output.data(updated, () => renderRollout(updated));
      }),
    );
  }

  const targetCommands = [
    ['approve', 'approveRolloutTarget(input: { targetId: $target })', 'approve an installation waiting for approval'],
    [
      'reject',
      'rejectRolloutTarget(input: { targetId: $target, reason: $reason })',
      'reject an installation waiting for approval',
    ],
    ['retry', 'retryRolloutTarget(input: { targetId: $target })', 'deploy a failed installation again'],
  ] as const;
  for (const [name, mutation, description] of targetCommands) {
    const command = withCodes(rollout.command(name))
      .description(description)
      .argument('<id>', 'the rollout')
      .requiredOption('--installation <TENANT/SLUG>', 'the installation', parser(installationKey));
    const takesReason = name === 'reject';
    if (takesReason) command.option('--reason <text>', 'why', 'Rejected with the shiplog CLI');
    command.action(
      act(async ({ connection, output }, id: string, options: Json) => {
        const key = `${options.installation.tenant}/${options.installation.slug}`;
        const { rollout: found } = await request<{ rollout: Json | null }>(
          connection,
          `query ($id: ID!) { rollout(id: $id) { targets(first: 1000) { id installation { slug tenant { slug } } } } }`,
          { id },
        );
        if (!found) throw new CliError(`No rollout ${id}`, EXIT.REFUSED);
        const target = (found.targets as Json[]).find((t) => where(t.installation) === key);
        if (!target) throw new CliError(`Installation ${key} is not part of rollout ${id}`, EXIT.REFUSED);
        const result = await request<{ result: Json }>(
          connection,
          `mutation ($target: ID!${takesReason ? ', $reason: String!' : ''}) { result: ${mutation} {
            id wave status statusReason approvedBy installation { slug tenant { slug } } } }`,
          { target: target.id, ...(takesReason ? { reason: options.reason } : {}) },
        );
        output.data(result.result, () =>
          record([
            ['installation', where(result.result.installation)],
            ['status', result.result.status],
            ['note', result.result.statusReason],
          ]),
        );
      }),
    );
  }

  // ---- deployments, for orchestrators ----

  const deployment = program.command('deployment').description('report on a deployment (for orchestrators)');
  const printDeployment = (output: Output, value: Json) =>
    output.data(value, () =>
      record([
        ['deployment', value.id],
        ['installation', where(value.installation)],
        ['application', `${value.application.slug} ${value.artifact.version}`],
        ['status', value.status],
        ['message', value.message],
      ]),
    );

  withCodes(deployment.command('report'))
    .description("report a deployment's progress")
    .argument('<id>', 'the deployment')
    .addOption(
      new Option('--status <status>', 'where it is').choices(['IN_PROGRESS', 'SUCCEEDED', 'FAILED']).makeOptionMandatory(),
    )
    .option('--message <text>', 'a message')
    .option('--url <url>', "the orchestrator's page for it")
    .action(
      act(async ({ connection, output }, id: string, options: Json) => {
        const { reportDeployment } = await request<{ reportDeployment: Json }>(
          connection,
          `mutation ($input: ReportDeploymentInput!) { reportDeployment(input: $input) { ${DEPLOYMENT_FIELDS} } }`,
          { input: { deploymentId: id, status: options.status, message: options.message, externalUrl: options.url } },
        );
        printDeployment(output, reportDeployment);
      }),
    );

  withCodes(deployment.command('log'))
    .description("append lines to a deployment's log (from standard input when none are given)")
    .argument('<id>', 'the deployment')
    .argument('[lines...]', 'the lines')
    .action(
      act(async ({ connection, output }, id: string, lines: string[]) => {
        let sent = 0;
        const send = async (batch: string[]) => {
          if (!batch.length) return;
          await request(
            connection,
            'mutation ($input: AppendDeploymentLogInput!) { appendDeploymentLog(input: $input) { id } }',
            {
              input: { deploymentId: id, lines: batch },
            },
          );
          sent += batch.length;
        };
        if (lines.length) {
          for (let i = 0; i < lines.length; i += LOG_BATCH) await send(lines.slice(i, i + LOG_BATCH));
        } else {
          await streamLines(send);
        }
        output.info(`Appended ${sent} line${sent === 1 ? '' : 's'} to deployment ${id}`);
      }),
    );

  withCodes(deployment.command('verify'))
    .description('record a verification of a deployment (tests, checks)')
    .argument('<id>', 'the deployment')
    .addOption(new Option('--status <status>', 'the outcome').choices(['PASSED', 'FAILED']).makeOptionMandatory())
    .requiredOption('--source <name>', 'what verified it')
    .option('--url <url>', 'where the results are')
    .action(
      act(async ({ connection, output }, id: string, options: Json) => {
        const { recordVerification } = await request<{ recordVerification: Json }>(
          connection,
          `mutation ($input: RecordVerificationInput!) { recordVerification(input: $input) { id status source url recordedBy at } }`,
          { input: { deploymentId: id, status: options.status, source: options.source, url: options.url } },
        );
        output.data(recordVerification, () =>
          record([
            ['verification', recordVerification.id],
            ['status', recordVerification.status],
            ['source', recordVerification.source],
          ]),
        );
      }),
    );

  // ---- configuration as code ----

  const PLAN_FIELDS = `changeCount changeSetId kinds { kind unchangedCount creates { key } archives { key }
    updates { key fields { field before after } } }`;
  const configurationOptions = (command: Command) =>
    command
      .requiredOption(
        '-f, --file <path>',
        'a YAML file or a directory of *.yaml/*.yml files (repeat for more)',
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .option('--prune', 'archive what exists but the files leave out (never deletes)')
      .option('--prune-max <n>', 'allow a prune of up to N objects (refused beyond 10, or 25 % of a kind)', positiveInt);
  const configurationInput = (options: Json) => ({
    documents: readDocuments(options.file as string[]),
    prune: Boolean(options.prune),
    pruneMax: options.pruneMax,
  });

  withCodes(configurationOptions(program.command('plan')))
    .description('show what applying the configuration files would change (changes nothing)')
    .option('--exit-code', 'exit 7 when there are changes, 0 when there are none')
    .action(
      act(async ({ connection, output }, options: Json) => {
        const input = configurationInput(options);
        const { planConfiguration } = await request<{ planConfiguration: Json }>(
          connection,
          `query ($input: ConfigurationInput!) { planConfiguration(input: $input) { ${PLAN_FIELDS} } }`,
          { input },
        );
        output.data(planConfiguration, () => renderPlan(planConfiguration, false));
        return options.exitCode && planConfiguration.changeCount > 0 ? EXIT.CHANGES : EXIT.OK;
      }),
    );

  withCodes(configurationOptions(program.command('apply')))
    .description('apply the configuration files in one transaction (the same files again change nothing)')
    .action(
      act(async ({ connection, output }, options: Json) => {
        const input = configurationInput(options);
        const { applyConfiguration } = await request<{ applyConfiguration: Json }>(
          connection,
          `mutation ($input: ConfigurationInput!) { applyConfiguration(input: $input) { ${PLAN_FIELDS} } }`,
          { input },
        );
        output.data(applyConfiguration, () => renderPlan(applyConfiguration, true));
      }),
    );

  withCodes(program.command('export'))
    .description('write the current configuration as YAML files (secrets never: they read ********)')
    .option('--to <path>', 'a .yaml file, or a directory (a file per kind); standard output without it')
    .action(
      act(async ({ connection, output }, options: { to?: string }) => {
        const { exportConfiguration } = await request<{ exportConfiguration: Json[] }>(
          connection,
          'query { exportConfiguration }',
        );
        if (options.to) {
          const files = writeExport(exportConfiguration, options.to);
          output.info(`Wrote ${exportConfiguration.length} documents to ${files.join(', ')}`);
        } else if (output.options.format === 'table') {
          process.stdout.write(configurationYaml(exportConfiguration));
        } else {
          output.data(exportConfiguration, () => '');
        }
      }),
    );

  // ---- questions ----

  withCodes(program.command('whereis'))
    .description('the installations running a version of an application (at most 100)')
    .argument('<app>', 'the application')
    .argument('<version>', 'the version')
    .action(
      act(async ({ connection, output }, app: string, version: string) => {
        const { whereIsConnection } = await request<{ whereIsConnection: Json }>(
          connection,
          `query ($app: String!, $version: String!) { whereIsConnection(applicationSlug: $app, version: $version, first: 100) {
            totalCount nodes { id slug name tenant { slug } tier { name } } } }`,
          { app, version },
        );
        const nodes = whereIsConnection.nodes as Json[];
        output.data(nodes, () =>
          nodes.length
            ? table(nodes, [
                ['installation', (i) => where(i)],
                ['tier', (i) => i.tier.name],
                ['name', (i) => i.name],
              ])
            : `${app} ${version} runs nowhere`,
        );
      }),
    );

  withCodes(program.command('running'))
    .description('what an installation runs')
    .argument('<TENANT/INSTALLATION>', 'the installation', parser(installationKey))
    .action(
      act(async ({ connection, output }, key: { tenant: string; slug: string }) => {
        const [id] = await installationIds(connection, [`${key.tenant}/${key.slug}`]);
        const { installation } = await request<{ installation: Json }>(
          connection,
          `query ($id: ID!) { installation(id: $id) { id slug name tenant { slug } tier { name }
            running { since application { slug } artifact { version imageRef digest } deployment { id } } } }`,
          { id },
        );
        const running = installation.running as Json[];
        output.data(installation, () =>
          running.length
            ? table(running, [
                ['application', (r) => r.application.slug],
                ['version', (r) => r.artifact.version],
                ['since', (r) => r.since],
                ['deployment', (r) => r.deployment.id],
              ])
            : `${where(installation)} runs nothing yet`,
        );
      }),
    );

  withCodes(program.command('deployments'))
    .description('deployments, newest first (at most 100)')
    .option('--app <slug>', 'of this application')
    .option('--version <version>', 'of this version')
    .option('--tenant <slug>', "to this tenant's installations")
    .addOption(
      new Option('--status <status>', 'in this status').choices([
        'QUEUED',
        'IN_PROGRESS',
        'SUCCEEDED',
        'FAILED',
        'CANCELLED',
        'SKIPPED',
      ]),
    )
    .option('--since <when>', 'queued since: a duration ago (30m, 2h) or a date', parser(since))
    .action(
      act(async ({ connection, output }, options: Json) => {
        const { deployments } = await request<{ deployments: Json }>(
          connection,
          `query ($filter: DeploymentFilter) { deployments(first: 100, filter: $filter) { totalCount nodes { ${DEPLOYMENT_FIELDS} } } }`,
          {
            filter: {
              applicationSlug: options.app,
              version: options.version,
              tenantSlug: options.tenant,
              status: options.status,
              since: options.since,
            },
          },
        );
        const nodes = deployments.nodes as Json[];
        output.data(nodes, () => renderDeployments(nodes));
      }),
    );

  withCodes(program.command('journey'))
    .description('where a version of an application has been deployed, tier by tier (at most 100 steps)')
    .argument('<app>', 'the application')
    .argument('<version>', 'the version')
    .action(
      act(async ({ connection, output }, app: string, version: string) => {
        const { artifact: found } = await request<{ artifact: Json | null }>(
          connection,
          `query ($app: String!, $version: String!) { artifact(applicationSlug: $app, version: $version) {
            ${ARTIFACT_FIELDS} journeyConnection(first: 100) { totalCount nodes { at tier { name }
              installation { slug tenant { slug } } deployment { id status } verifications(first: 10) { status source url } } } } }`,
          { app, version },
        );
        if (!found) throw new CliError(`No artifact ${app} ${version}`, EXIT.REFUSED);
        const steps = found.journeyConnection.nodes as Json[];
        output.data(found, () =>
          steps.length
            ? table(steps, [
                ['at', (s) => s.at],
                ['tier', (s) => s.tier.name],
                ['installation', (s) => where(s.installation)],
                ['status', (s) => s.deployment.status],
                ['verified', (s) => (s.verifications as Json[]).map((v) => `${v.source}:${v.status}`)],
              ])
            : `${app} ${version} has not been deployed`,
        );
      }),
    );

  // ---- shell completion ----

  program
    .command('completion')
    .description('print a shell completion script: eval "$(shiplog completion bash)" (or zsh)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action((shell: 'bash' | 'zsh') => {
      process.stdout.write(completionScript(program, shell));
    });

  // --url names the orchestrator's page in these, not the server: the server comes from before the command,
  // $SHIPLOG_URL or the profile.
  for (const command of deployment.commands.filter((c) => c.name() === 'report' || c.name() === 'verify')) {
    urlIsNotServer.add(command);
    command.addHelpText(
      'after',
      '\nHere --url is not the server: give the server before the command,\nin $SHIPLOG_URL or by the profile.',
    );
  }

  const leaves = (command: Command): Command[] => (command.commands.length ? command.commands.flatMap(leaves) : [command]);
  for (const leaf of leaves(program)) if (leaf.name() !== 'completion' && leaf.name() !== 'help') addCommonOptions(leaf, false);
  return program;
}

const LOG_BATCH = 1000;

/** Standard input's lines, sent in batches of at most 1,000 lines, and at least each second while lines come slowly. */
async function streamLines(send: (batch: string[]) => Promise<void>): Promise<void> {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  let pending: string[] = [];
  let chain = Promise.resolve();
  let failure: Error | undefined;
  const flush = () => {
    const batch = pending;
    pending = [];
    chain = chain
      .then(() => send(batch))
      .catch((error: unknown) => {
        failure ??= error instanceof Error ? error : new Error(String(error));
      });
  };
  const timer = setInterval(() => pending.length && flush(), 1000);
  try {
    for await (const line of lines) {
      pending.push(line);
      if (pending.length >= LOG_BATCH) flush();
      if (failure) break;
    }
    flush();
    await chain;
  } finally {
    clearInterval(timer);
  }
  if (failure) throw failure;
}

/** Asks questions on the terminal (or reads answers from standard input), without echo for secrets. */
function prompter() {
  let echo = true;
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (echo) process.stderr.write(chunk);
      done();
    },
  });
  const lines = readline.createInterface({ input: process.stdin, output, terminal: Boolean(process.stdin.isTTY) });
  const iterator = lines[Symbol.asyncIterator]();
  return {
    async ask(question: string, visible: boolean): Promise<string> {
      process.stderr.write(question);
      echo = visible;
      const { value, done } = await iterator.next();
      echo = true;
      if (!visible) process.stderr.write('\n');
      return done ? '' : String(value);
    },
    close: () => lines.close(),
  };
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    if (error instanceof CliError) {
      process.stderr.write(`shiplog: ${error.message}\n`);
      for (const detail of error.details) process.stderr.write(`  - ${detail}\n`);
      return error.code;
    }
    process.stderr.write(`shiplog: ${(error as Error).message}\n`);
    return EXIT.FAILURE;
  }
}

void main(process.argv).then((code) => process.exit(code));
