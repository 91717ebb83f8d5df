import type { DependencyContainer } from 'tsyringe';
import type { Access } from '../auth/access';
import type { Loaders } from './loaders';

export interface Context {
  access: Access;
  loaders: Loaders;
  container: DependencyContainer;
}
