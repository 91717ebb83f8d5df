import { validate } from 'class-validator';
import express, { type Request, type Response } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { AuthService } from '../auth/auth.service';
import { AppError, appErrorHttpStatus, badInput } from '../common/errors';
import { unstorableTextPath, UNSTORABLE_TEXT_MESSAGE } from '../common/text';
import { log } from '../log';
import {
  AppendDeploymentLogInput,
  RecordVerificationInput,
  ReportDeploymentInput,
} from '../modules/deployment/deployment.inputs';
import { DeploymentService } from '../modules/deployment/deployment.service';

async function checked<T extends object>(input: T): Promise<T> {
  const errors = await validate(input, { forbidUnknownValues: false, skipMissingProperties: false });
  if (errors.length > 0) {
    const problems = errors.flatMap((error) => Object.values(error.constraints ?? {}));
    throw badInput(`Invalid input: ${problems.join('; ')}`, { problems });
  }
  return input;
}

function body(req: Request): Record<string, unknown> {
  return typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
}

/**
 * Reporting for tools that do not speak GraphQL: the same operations and rules as reportDeployment,
 * appendDeploymentLog and recordVerification, with the bearer token in the Authorization header.
 */
export function deploymentRoutes(container: DependencyContainer): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));
  // Checked before anything else: a NUL or half a surrogate pair would only fail later, inside PostgreSQL.
  router.use((req, res, next) => {
    const path = unstorableTextPath(req.body);
    if (path === null) return next();
    res.status(400).json({ error: { code: 'BAD_USER_INPUT', message: `${UNSTORABLE_TEXT_MESSAGE} (${path})` } });
  });
  const auth = container.resolve(AuthService);

  const handle =
    (work: (req: Request, deployments: DeploymentService) => Promise<unknown>) => async (req: Request, res: Response) => {
      try {
        const access = await auth.authenticate(req.headers.authorization);
        (req as Request & { access?: unknown }).access = access;
        const result = await work(Object.assign(req, { access }), container.resolve(DeploymentService));
        res.status(200).json(result);
      } catch (error) {
        if (error instanceof AppError) {
          res.status(appErrorHttpStatus(error)).json({ error: { code: error.code, message: error.message, ...error.details } });
        } else {
          log.error('Unexpected error in the deployment HTTP API', error);
          res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
        }
      }
    };

  const accessOf = (req: Request) => (req as Request & { access: Parameters<DeploymentService['report']>[0] }).access;

  router.post(
    '/deployments/:id/status',
    handle(async (req, deployments) => {
      const input = await checked(Object.assign(new ReportDeploymentInput(), body(req), { deploymentId: req.params.id }));
      const deployment = await deployments.report(accessOf(req), input);
      return { id: deployment.id, status: deployment.status, finishedAt: deployment.finishedAt };
    }),
  );
  router.post(
    '/deployments/:id/log',
    handle(async (req, deployments) => {
      const input = await checked(Object.assign(new AppendDeploymentLogInput(), body(req), { deploymentId: req.params.id }));
      if (!Array.isArray(input.lines) || input.lines.some((line) => typeof line !== 'string'))
        throw badInput('lines must be a list of strings');
      const deployment = await deployments.appendLog(accessOf(req), input.deploymentId, input.lines);
      return { id: deployment.id, appended: input.lines.length };
    }),
  );
  router.post(
    '/deployments/:id/verifications',
    handle(async (req, deployments) => {
      const input = await checked(Object.assign(new RecordVerificationInput(), body(req), { deploymentId: req.params.id }));
      const verification = await deployments.recordVerification(accessOf(req), input);
      return {
        id: verification.id,
        status: verification.status,
        source: verification.source,
        url: verification.url,
        at: verification.at,
      };
    }),
  );
  router.use((_req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'No such API endpoint' } });
  });
  return router;
}
