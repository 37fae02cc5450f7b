import nodemailer from 'nodemailer';

/** What the outbox sender needs from a mail server: one message sent, or an error. */
export interface MailTransport {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
  close(): void;
}

// Bounded waits: a dead server fails the attempt (retried later) instead of holding the job.
const TIMEOUTS = { connectionTimeout: '15000', greetingTimeout: '15000', socketTimeout: '30000' };

/**
 * A nodemailer SMTP transport for `url` (smtp:// or smtps://, credentials and nodemailer options in the
 * URL, e.g. `?tls.rejectUnauthorized=false`), sending as `from`.
 */
export function createSmtpTransport(url: string, from: string): MailTransport {
  const u = new URL(url);
  for (const [k, v] of Object.entries(TIMEOUTS)) if (!u.searchParams.has(k)) u.searchParams.set(k, v);
  const transporter = nodemailer.createTransport(u.toString(), { from });
  return {
    async send(m) {
      await transporter.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
    close() {
      transporter.close();
    },
  };
}
