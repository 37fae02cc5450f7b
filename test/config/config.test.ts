import { expect } from 'chai';
import { ConfigError, loadConfig, toolEnvironmentFromProcess } from '../../server/config.ts';

describe('configuration', () => {
  it('defaults to SQLite in data/, port 3000, plain HTTP', () => {
    const c = loadConfig({});
    expect(c.database).to.deep.equal({ client: 'sqlite3', filename: 'data/ptce-impact.sqlite' });
    expect(c.port).to.equal(3000);
    expect(c.tls).to.equal(false);
    expect(c.publicUrl).to.equal('http://localhost:3000');
    expect(c.passwordHashCost).to.equal(17);
    expect(c.demoData).to.equal(true);
    expect(Object.isFrozen(c)).to.equal(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u:p@db/ptce' });
    expect(c.database).to.deep.equal({ client: 'pg', url: 'postgres://u:p@db/ptce' });
  });

  it('derives TLS (secure cookies, HSTS) from an https PUBLIC_URL', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://impact.example.fr/' })).to.include({ tls: true, publicUrl: 'https://impact.example.fr' });
  });

  it('requires SESSION_SECRET in production and never loads demo data there', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, /SESSION_SECRET/);
    const c = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) });
    expect(c.demoData).to.equal(false);
    expect(c.passwordHashCost).to.equal(17);
  });

  it('lists every invalid variable', () => {
    expect(() => loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', SESSION_SECRET: 'short' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.matches(/PORT/)
      .and.matches(/DATABASE_URL/)
      .and.matches(/SESSION_SECRET/);
  });

  it('parses TRUST_PROXY as a hop count or a list, and refuses « true » (clients would choose their address)', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).to.throw(ConfigError, /TRUST_PROXY.*nombre de proxys/);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).to.equal(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).to.equal('loopback');
    expect(loadConfig({}).trustProxy).to.equal(false);
  });
});

describe('the environment of the backup tools', () => {
  it('is the process environment without the app’s secrets (pg_dump gets its connection separately)', () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, {
        SESSION_SECRET: 'secret',
        DATABASE_URL: 'postgres://u:p@h/db',
        SMTP_URL: 'smtp://u:p@h',
        PGSSLROOTCERT: '/ca.pem',
      });
      const env = toolEnvironmentFromProcess();
      expect(env).to.not.have.any.keys('SESSION_SECRET', 'DATABASE_URL', 'SMTP_URL');
      expect(env).to.include({ PGSSLROOTCERT: '/ca.pem', PATH: process.env.PATH });
    } finally {
      for (const k of ['SESSION_SECRET', 'DATABASE_URL', 'SMTP_URL', 'PGSSLROOTCERT']) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });
});
