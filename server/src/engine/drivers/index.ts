import type { z } from 'zod';
import { DeploymentDriver, type Installation } from '../../modules/tenant/installation.entity';
import { manualConfig, type ManualConfig } from './manual';
import { simulatedConfig, type SimulatedConfig } from './simulated';
import { webhookConfig, type WebhookConfig } from './webhook';

/** Each driver's settings, defined once: validated on the way in, parsed (typed) on the way out. */
export const driverConfigSchemas = {
  [DeploymentDriver.SIMULATED]: simulatedConfig,
  [DeploymentDriver.WEBHOOK]: webhookConfig,
  [DeploymentDriver.MANUAL]: manualConfig,
} satisfies Record<DeploymentDriver, z.ZodType>;

export type DriverSettings =
  | { driver: DeploymentDriver.SIMULATED; config: SimulatedConfig }
  | { driver: DeploymentDriver.WEBHOOK; config: WebhookConfig }
  | { driver: DeploymentDriver.MANUAL; config: ManualConfig };

/** An installation's driver with its settings, typed by driver (they were validated when stored). */
export function driverSettings(installation: Pick<Installation, 'driver' | 'driverConfig'>): DriverSettings {
  switch (installation.driver) {
    case DeploymentDriver.SIMULATED:
      return { driver: installation.driver, config: simulatedConfig.parse(installation.driverConfig) };
    case DeploymentDriver.WEBHOOK:
      return { driver: installation.driver, config: webhookConfig.parse(installation.driverConfig) };
    case DeploymentDriver.MANUAL:
      return { driver: installation.driver, config: manualConfig.parse(installation.driverConfig) };
  }
}
