// Messages of the operations commands (backup, restore, db:copy).
import type { Messages } from '../types.ts';

export const ops = {
  'ops.backup.usage': 'Usage : npm run backup -- [--dir backups]',
  'ops.backup.done': 'Sauvegarde écrite : {file} ({size} octets), contrôle d’intégrité : ok.',
  'ops.restore.usage':
    'Usage : npm run restore -- <fichier> [--to <fichier.sqlite | postgres://…>] [--force]   (application arrêtée pour SQLite)',
  'ops.restore.kindMismatch': 'Une sauvegarde {kind} ne se restaure pas dans cette base : {file}',
  'ops.restore.done': 'Restauration terminée dans {target}.',
  'ops.copy.usage': 'Usage : npm run db:copy -- --to postgres://utilisateur:motdepasse@hote:5432/base',
  'ops.copy.sourceNotSqlite': 'La source doit être la base SQLite configurée (SQLITE_FILE) : retirez DATABASE_URL.',
  'ops.copy.targetNotPostgres': '--to doit être une adresse postgres://…',
  'ops.copy.targetNotEmpty': 'La base cible contient déjà des données (table {table}) : copie refusée.',
  'ops.copy.sourceNotCurrent':
    'La base SQLite n’est pas à jour de ses migrations ({pending} en attente) : démarrez l’application une fois dessus avant de la copier.',
  'ops.copy.cycle': 'Clés étrangères circulaires entre : {tables}',
  'ops.copy.header': 'table                          lignes source   lignes cible   empreinte',
  'ops.copy.ok': 'Copie vérifiée : {tables} tables, {rows} lignes, {sequences} séquences remises à niveau.',
  'ops.copy.mismatch.1':
    'ÉCART : {count} table diffère entre la source et la cible. La copie a été annulée : la base cible est laissée telle qu’elle était.',
  'ops.copy.mismatch.n':
    'ÉCART : {count} tables diffèrent entre la source et la cible. La copie a été annulée : la base cible est laissée telle qu’elle était.',
  'ops.copy.badText.1':
    'Copie refusée avant toute écriture (la base cible n’a pas été touchée) : {count} texte de la base SQLite contient un caractère que PostgreSQL ne peut pas stocker (NUL) ou qui n’est pas de l’Unicode valide. Corrigez cette ligne dans la source, puis relancez la copie :',
  'ops.copy.badText.n':
    'Copie refusée avant toute écriture (la base cible n’a pas été touchée) : {count} textes de la base SQLite contiennent un caractère que PostgreSQL ne peut pas stocker (NUL) ou qui n’est pas de l’Unicode valide. Corrigez ces lignes dans la source, puis relancez la copie :',
  'ops.copy.badTextRow': '  {table}.{column}, ligne {row} : {char}',
  'ops.copy.badTextMore.1': '  … et {count} autre.',
  'ops.copy.badTextMore.n': '  … et {count} autres.',
  'ops.copy.rolledBack': 'La copie a échoué et a été annulée : la base cible est laissée telle qu’elle était. Cause : {detail}',
  'ops.copy.failedIn': 'table {table} : {detail}',
  'ops.badArguments': 'Arguments invalides : {detail}',
  'ops.failed': 'Échec : {detail}',
  'ops.toolFailed': '{tool} a échoué (code {code}) : {detail}',
  'ops.fileMissing': '{file} : fichier introuvable',
  'ops.copy.same': 'identique',
  'ops.copy.different': 'DIFFÉRENTE ({source} ≠ {target})',
  'ops.fileExists': '{file} existe déjà',
  'ops.archiveEmpty': '{file} : archive sans données',
  'ops.integrityFailed': '{file} : contrôle d’intégrité en échec : {problems}',
  'ops.restore.targetNotEmpty': 'la base cible contient déjà des données (--force pour la remplacer)',
  'ops.restore.fileNotEmpty': '{dest} contient déjà des données (--force pour le remplacer, application arrêtée)',
} satisfies Messages<'ops'>;
