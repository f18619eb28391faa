import { ConfigError, loadConfig } from '../../../config/config';

describe('configuration from the environment', () => {
  it('uses embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ API_PORT: 3000, TEMPORAL_NAMESPACE: 'default', DATA_DIR: '.data', SEED_DEMO_DATA: true });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
  });

  it.each([
    ['API_PORT', 'eighty', 'API_PORT'],
    ['API_PORT', '70000', 'API_PORT'],
    ['DATABASE_URL', 'mysql://x@y/z', 'DATABASE_URL'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL'],
    ['SEED_DEMO_DATA', 'yes please', 'SEED_DEMO_DATA'],
  ])('refuses %s=%s and names the variable', (name, value, named) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n  ${named}: `));
  });

  it('lists every bad variable at once and never echoes a value', () => {
    const secret = 'postgres://admin:hunter2@db:5432';
    let message = '';
    try {
      loadConfig({ API_PORT: '-1', DATABASE_URL: `${secret}/x y`, NOTIFY_WEBHOOK_URL: 'ftp://hooks' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('API_PORT');
    expect(message).toContain('NOTIFY_WEBHOOK_URL');
    expect(message).not.toContain('hunter2');
  });
});
