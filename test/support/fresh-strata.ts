import { bootstrapOwner } from '../../src/core/bootstrap.js';
import type { EngineUnderTest } from './engines.js';
import { startStrata, type RunningStrata } from './strata-server.js';
import { openStrata } from '../../src/open-strata.js';

/**
 * A Strata as `npm start` leaves it on first start: the generated owner (`owner@strata.local`,
 * random password, setup pending) is the instance's first account. The test server's usual
 * `owner@test.local` is added after it, so it is an ordinary account (not an owner).
 */
export async function startFreshStrata(engine: EngineUnderTest): Promise<{ server: RunningStrata; first: { email: string; password: string; token: string } }> {
  const provisioned = await engine.provision();
  const strata = await openStrata(provisioned.config);
  let first;
  try {
    first = await bootstrapOwner(strata, 'owner@strata.local');
  } finally {
    await strata.close();
  }
  if (!first) throw new Error('a fresh instance had accounts already');
  return { server: await startStrata(engine, { provisioned }), first };
}
