// A job's schedule in words, as « Tâches planifiées » shows it beside the cron expression.
import { expect } from 'chai';
import { cronInWords } from '../../server/jobs/cron-words.ts';

describe('schedules in words', () => {
  it('says the usual shapes in French, and leaves any other as its expression', () => {
    const cases: [string, string | null][] = [
      ['* * * * *', 'chaque minute'],
      ['*/5 * * * *', 'toutes les 5 minutes'],
      ['*/1 * * * *', 'chaque minute'],
      ['15 * * * *', 'chaque heure, à la minute 15'],
      ['0 3 * * *', 'chaque nuit à 3 h'],
      ['30 7 * * *', 'chaque jour à 7 h 30'],
      ['0 7 * * 1', 'chaque lundi à 7 h'],
      ['0 7 * * 0', 'chaque dimanche à 7 h'],
      ['0 7 * * 7', 'chaque dimanche à 7 h'],
      ['0 6 1 * *', 'le 1er de chaque mois à 6 h'],
      ['0 6 15 * *', 'le 15 de chaque mois à 6 h'],
      ['0 7 * * 1-5', null],
      ['0 7 * 1 *', null],
      ['0 0 7 * * *', null],
      ['0 25 * * *', null],
      ['', null],
    ];
    for (const [cron, words] of cases) expect(cronInWords(cron), cron).to.equal(words);
  });
});
