import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('configuration of reminders and the outbox', () => {
  it('defaults: daily reminders at 7:00, the digest on Mondays, the outbox every minute, no SMTP', () => {
    const c = loadConfig({ PUBLIC_URL: 'https://impact.example.fr' });
    expect(c).to.include({
      reminderCron: '0 7 * * *',
      digestCron: '0 7 * * 1',
      outboxCron: '* * * * *',
      smtpUrl: null,
      mailFrom: 'PTCE Impact <ne-pas-repondre@impact.example.fr>',
    });
  });

  it('accepts smtp:// and smtps:// URLs and a sender written as an address or « Nom <adresse> »', () => {
    expect(loadConfig({ SMTP_URL: 'smtps://user:secret@mail.example.fr:465' }).smtpUrl).to.equal('smtps://user:secret@mail.example.fr:465');
    expect(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }).smtpUrl).to.equal('smtp://127.0.0.1:2525');
    expect(loadConfig({ MAIL_FROM: 'impact@example.fr' }).mailFrom).to.equal('impact@example.fr');
    expect(loadConfig({ MAIL_FROM: 'Équipe PTCE <impact@example.fr>' }).mailFrom).to.equal('Équipe PTCE <impact@example.fr>');
  });

  it('refuses a bad cron, a non-SMTP URL and a sender that could inject headers, listing each', () => {
    let error: unknown;
    try {
      loadConfig({
        REMINDER_CRON: 'tous les jours',
        OUTBOX_CRON: '61 * * * *',
        SMTP_URL: 'http://mail.example.fr',
        MAIL_FROM: 'a@b.fr\r\nBcc: x@y.fr',
      });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(ConfigError);
    const text = String((error as Error).message);
    for (const name of ['REMINDER_CRON', 'OUTBOX_CRON', 'SMTP_URL', 'MAIL_FROM']) expect(text).to.contain(name);
    expect(() => loadConfig({ DIGEST_CRON: '* * *' })).to.throw(ConfigError, /DIGEST_CRON/);
  });
});
