import { ConfigError, loadConfig } from './app-config.js';

describe('configuration', () => {
  it('listens on loopback unless HOST says otherwise, and marks HTTPS off by default (issue 14 A.14, A.17)', () => {
    expect([loadConfig({}).host, loadConfig({}).https]).toEqual(['127.0.0.1', false]);
    expect([loadConfig({ HOST: '0.0.0.0', HTTPS: 'on' }).host, loadConfig({ HOST: '0.0.0.0', HTTPS: 'on' }).https]).toEqual(['0.0.0.0', true]);
    expect(() => loadConfig({ HTTPS: 'maybe' })).toThrow(ConfigError);
  });
});
