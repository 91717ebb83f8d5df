import type { DependencyContainer } from 'tsyringe';
import type { Access } from '../auth/access';
import type { Loaders } from './loaders';

export interface Context {
  access: Access;
  loaders: Loaders;
  container: DependencyContainer;
  /** The client's address (Express req.ip, so behind SHIPLOG_TRUST_PROXY the forwarded one): sign-ins are throttled by it. */
  clientAddress: string;
}
