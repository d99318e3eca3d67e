import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/config-values.js';

/** The timeouts towards PostgreSQL: defaults, and a clear error at start for a bad value. */
describe('PostgreSQL timeouts in the configuration', () => {
  it('default to 5 s to connect, 30 s per statement, 10 s to get a pooled connection', () => {
    expect(loadConfig({}).pgTimeouts).toEqual({ connectMs: 5_000, queryMs: 30_000, acquireMs: 10_000 });
  });

  it('are read from the environment', () => {
    const env = { PG_CONNECT_TIMEOUT_MS: '1500', PG_QUERY_TIMEOUT_MS: '60000', PG_ACQUIRE_TIMEOUT_MS: '2500' };
    expect(loadConfig(env).pgTimeouts).toEqual({ connectMs: 1500, queryMs: 60_000, acquireMs: 2500 });
  });

  for (const [name, value] of [['PG_CONNECT_TIMEOUT_MS', '0'], ['PG_QUERY_TIMEOUT_MS', 'soon'], ['PG_ACQUIRE_TIMEOUT_MS', '1.5']]) {
    it(`refuses ${name}=${value}, naming it`, () => {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} must be an integer between 100 and`));
    });
  }
});
