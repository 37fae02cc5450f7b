// The outbox (« Envois »): the messages sent, their state and retries.
import type { Messages } from '../types.ts';

export const outbox = {
  'outbox.title': 'Envois',
  'outbox.intro': 'Les messages écrits par l’application : décisions sur les trimestres, rappels d’échéance et synthèse hebdomadaire.',
  'outbox.noSmtp':
    'Aucun serveur d’envoi n’est configuré (SMTP_URL) : les messages restent ici, « non envoyés », et se lisent sur cette page.',
  'outbox.smtp':
    'Les messages sont envoyés par courriel ; un envoi qui échoue est retenté (après 1, 5, 30 puis 120 minutes), puis marqué en échec.',
  'outbox.filter.status': 'État',
  'outbox.filter.kind': 'Type',
  'outbox.filter.all': 'Tous',
  'outbox.filter.apply': 'Filtrer',
  'outbox.col.created': 'Écrit le',
  'outbox.col.recipient': 'Destinataire',
  'outbox.col.subject': 'Objet',
  'outbox.col.kind': 'Type',
  'outbox.col.status': 'État',
  'outbox.col.attempts': 'Tentatives',
  'outbox.none': 'Aucun message.',
  'outbox.prev': 'Plus récents',
  'outbox.next': 'Plus anciens',
  'outbox.back': 'Retour aux envois',
  'outbox.detail.sentAt': 'Envoyé le',
  'outbox.detail.nextAttempt': 'Prochaine tentative',
  'outbox.detail.lastError': 'Dernière erreur',
  'outbox.detail.body': 'Message',
  'outbox.status.queued': 'en attente',
  'outbox.status.unsent': 'non envoyé (pas de SMTP)',
  'outbox.status.sending': 'en cours d’envoi',
  'outbox.status.sent': 'envoyé',
  'outbox.status.failed': 'échec',
  'outbox.count': '{queued} en attente · {sent} envoyé(s) · {failed} en échec',
  'outbox.countUnsent': '{queued} non envoyé(s) (pas de SMTP) · {sent} envoyé(s) · {failed} en échec',
} satisfies Messages<'outbox'>;
