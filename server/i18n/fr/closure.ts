import type { Messages } from '../types.ts';

export const closure = {
  'closure.provisional': 'provisoire',
  'closure.period': '{period} (provisoire)',
  'closure.series': '{label} (provisoire)',
  'closure.default':
    'Ce tableau s’ouvre sur {quarter}, le dernier trimestre consolidé (échéance passée, au moins {threshold} des déclarations attendues validées).',
  'closure.default.published':
    'Ce tableau s’ouvre sur {quarter}, le dernier trimestre consolidé (une synthèse nationale en a été publiée).',
  'closure.current': 'Voir le trimestre en cours (provisoire)',
  'closure.shown':
    'Les chiffres de {quarter} sont provisoires : le délai de déclaration n’est pas écoulé ou moins de {threshold} des déclarations attendues sont validées. Ils peuvent encore changer.',
  'closure.none': 'Aucun trimestre n’est encore consolidé : les chiffres affichés sont provisoires.',
  'closure.range.reversed': 'Le trimestre de début ({from}) était après celui de fin ({to}) : ils ont été inversés.',
  'closure.range.open': 'Le trimestre {asked} n’est pas encore clos : l’affichage s’arrête au dernier trimestre clos, {last}.',
  'closure.range.tooLong': 'Une évolution couvre au plus {max} trimestres : elle commence donc en {from}.',
  'closure.exportHint':
    'Les trimestres qui ont des données dans votre périmètre, puis leurs années (l’année en cours : cumul à fin du dernier trimestre clos). Dernier trimestre consolidé : {latest}.',
  'closure.api.yearRunning':
    'L’année {year} n’est pas terminée : grain=year ne la couvre pas. Demandez grain=ytd (cumul depuis janvier, jusqu’au dernier trimestre clos) ; ses chiffres sont provisoires.',
} satisfies Messages<'closure'>;
