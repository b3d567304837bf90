import { ConfigError, loadConfig } from './app-config.js';

describe('configuration', () => {
  it('listens on loopback unless HOST says otherwise, and marks HTTPS off by default (issue 14 A.14, A.17)', () => {
    expect([loadConfig({}).host, loadConfig({}).https]).toEqual(['127.0.0.1', false]);
    expect([loadConfig({ HOST: '0.0.0.0', HTTPS: 'on' }).host, loadConfig({ HOST: '0.0.0.0', HTTPS: 'on' }).https]).toEqual(['0.0.0.0', true]);
    expect(() => loadConfig({ HTTPS: 'maybe' })).toThrow(ConfigError);
  });

  it('refuses a kurrentdb:// address the EventStoreDB client cannot read, with one line that says what to write (issue 16)', () => {
    expect(() => loadConfig({ EVENTSTORE_CONNECTION_STRING: 'kurrentdb://db:2113?tls=false' })).toThrow(
      new ConfigError('EVENTSTORE_CONNECTION_STRING: write kurrentdb:// addresses as esdb:// (the client, @eventstore/db-client 6.2.1, reads only esdb://), got "kurrentdb://db:2113?tls=false"'),
    );
    expect(loadConfig({ EVENTSTORE_CONNECTION_STRING: 'esdb://db:2113?tls=false' }).eventStoreConnectionString).toBe('esdb://db:2113?tls=false');
    expect(() => loadConfig({ EVENTSTORE_CONNECTION_STRING: 'http://db:2113' })).toThrow(ConfigError);
  });

  it('runs the projector in the api process unless PROJECTOR=separate, which needs a shared ClickHouse server (issue 16)', () => {
    expect([loadConfig({}).projector, loadConfig({}).relay]).toEqual(['embedded', true]);
    expect(loadConfig({ PROJECTOR: 'separate', CLICKHOUSE_URL: 'http://ch:8123', RELAY: 'off' })).toMatchObject({ projector: 'separate', relay: false });
    expect(() => loadConfig({ PROJECTOR: 'separate' })).toThrow(/PROJECTOR=separate needs CLICKHOUSE_URL/);
    expect(() => loadConfig({ PROJECTOR: 'both' })).toThrow(/PROJECTOR must be "embedded" or "separate"/);
  });

  it('validates the disclosure settings once at boot, never per request (issue 17: they were read from process.env per draft)', () => {
    expect(loadConfig({}).disclosure).toEqual({ minContributors: 3, dominanceShare: 0.85, protection: 0.15 });
    expect([loadConfig({}).language, loadConfig({ DEFAULT_LANGUAGE: 'ZH' }).language]).toEqual(['en', 'zh']);
    expect(() => loadConfig({ DEFAULT_LANGUAGE: 'fr' })).toThrow('DEFAULT_LANGUAGE must be "en" or "zh", got "fr"');
    expect(loadConfig({ DISCLOSURE_MIN_CONTRIBUTORS: '2', DISCLOSURE_DOMINANCE_SHARE: '0.95', DISCLOSURE_PROTECTION: '0.2' }).disclosure).toEqual({
      minContributors: 2,
      dominanceShare: 0.95,
      protection: 0.2,
    });
    expect(() => loadConfig({ DISCLOSURE_MIN_CONTRIBUTORS: 'three' })).toThrow(new ConfigError('DISCLOSURE_MIN_CONTRIBUTORS must be a whole number of at least 1, got "three"'));
    expect(() => loadConfig({ DISCLOSURE_DOMINANCE_SHARE: '85' })).toThrow(new ConfigError('DISCLOSURE_DOMINANCE_SHARE must be a share above 0 and at most 1, got "85"'));
    expect(() => loadConfig({ DISCLOSURE_PROTECTION: '1.5' })).toThrow(new ConfigError('DISCLOSURE_PROTECTION must be a share from 0 up to (not including) 1, got "1.5"'));
  });
});
