import type { Messages } from '../types.ts';

export const imports = {
  'import.link.import': 'Importer un fichier',
  'import.link.template': 'Télécharger le modèle',
  'import.templateCsv': 'CSV',
  'import.templateXlsx': 'Excel',

  // Upload pages.
  'import.quarter.title': 'Importer un fichier — {period}',
  'import.long.title': 'Importer des données historiques',
  'import.backQuarter': 'Retour au trimestre',
  'import.backAdmin': 'Retour à l’administration',
  'import.backLong': 'Retour à l’import',
  'import.steps.title': 'Comment faire',
  'import.steps.download': 'Téléchargez le modèle :',
  'import.steps.fill':
    'Remplissez la colonne « valeur » (et si besoin « non_disponible » avec « oui », « raison », « commentaire »). Ne changez ni les codes ni les en-têtes.',
  'import.steps.fillLong':
    'Une ligne par pôle, indicateur, catégorie et trimestre : colonnes pole (identifiant du pôle), indicateur (code), categorie (vide pour le total), annee, trimestre (1 à 4), valeur ; non_disponible, raison et commentaire sont facultatives. Remplacez la ligne d’exemple.',
  'import.steps.send': 'Envoyez le fichier : un aperçu liste les changements et les éventuels problèmes, puis vous confirmez.',
  'import.help.csv':
    'Le modèle CSV est en UTF-8 avec BOM et séparateur « ; » : le format « CSV UTF-8 » d’Excel en France. Les fichiers CSV en Windows-1252 et le séparateur « , » sont aussi acceptés, ainsi que les classeurs Excel (.xlsx).',
  'import.help.empty':
    'Une cellule « valeur » laissée vide ne change pas la valeur déjà enregistrée. Le trimestre reste en brouillon : vous le soumettez ensuite depuis le formulaire.',
  'import.help.long':
    'Les trimestres importés prennent le statut choisi ci-dessous ; un trimestre soumis ou validé doit d’abord être rouvert.',
  'import.help.formulas': 'Collez des valeurs, pas des formules : une cellule contenant une formule est refusée.',
  'import.help.preview': 'Rien n’est enregistré avant votre confirmation, et tout le fichier est appliqué, ou rien.',
  'import.fileLabel': 'Fichier à importer',
  'import.fileHint': 'CSV ou Excel (.xlsx), {max} au plus.',
  'import.send': 'Envoyer et vérifier',
  'import.long.statusLegend': 'Statut des trimestres importés',
  'import.long.statusHint': 'Pour des données passées déjà vérifiées, choisissez « validé ».',
  'import.long.status.brouillon': 'Brouillon',
  'import.long.status.valide': 'Validé',
  'import.long.status.brouillonSummary': 'Import de données historiques (trimestres en brouillon)',
  'import.long.status.valideSummary': 'Import de données historiques (trimestres validés)',
  'import.long.status.invalid': 'Choisissez le statut des trimestres importés.',
  'import.lockedNotice':
    'Ce trimestre est {status} : il ne peut plus être modifié par import. Contactez l’équipe nationale pour le rouvrir.',
  'import.progress.label': 'Progression',
  'import.progress.sending': 'Envoi du fichier :',
  'import.progress.analysing': 'Fichier reçu, vérification en cours…',
  'import.progress.failed': 'L’envoi a échoué. Vérifiez votre connexion et recommencez.',

  // Refusals of the whole file (nothing kept).
  'import.file.choose': 'Choisissez un fichier CSV ou Excel (.xlsx) à importer.',
  'import.file.empty': 'Le fichier est vide.',
  'import.file.tooLarge': 'Le fichier dépasse la taille maximale de {max}. Découpez-le en plusieurs fichiers.',
  'import.file.form': 'Envoyez un seul fichier, avec le formulaire de cette page.',
  'import.file.incomplete': 'Le fichier n’a pas été reçu en entier. Recommencez l’envoi.',
  'import.file.xls': 'Les classeurs Excel 97-2003 (.xls) ne sont pas acceptés : enregistrez le fichier au format .xlsx ou CSV.',
  'import.file.notXlsx': 'Ce fichier n’est pas un classeur Excel (.xlsx) lisible : enregistrez-le de nouveau au format .xlsx ou CSV.',
  'import.file.notText': 'Ce fichier n’est ni un CSV ni un classeur Excel (.xlsx).',
  'import.file.inflated': 'Ce classeur est trop volumineux une fois décompressé : découpez-le en plusieurs fichiers.',
  'import.file.tooManyRows': 'Le fichier compte plus de {max} lignes : découpez-le en plusieurs fichiers.',
  'import.file.cellTooLong':
    'La cellule {cell} contient plus de {max} caractères : raccourcissez son texte (un commentaire compte au plus 2 000 caractères).',
  'import.file.tooManyColumns': 'Le fichier compte plus de {max} colonnes remplies : ne gardez que les colonnes du modèle.',
  'import.busy.user': 'Un de vos imports est encore en cours de vérification : attendez qu’il se termine, puis envoyez ce fichier.',
  'import.busy.server': 'Trop d’imports sont en cours de vérification en ce moment : réessayez dans une minute.',
  'import.file.quote': 'Guillemet ouvert et jamais fermé à la ligne {line} : vérifiez cette cellule.',
  'import.file.csvError': 'Le fichier CSV est illisible à la ligne {line}.',
  'import.file.header.1':
    'Colonne manquante dans la ligne d’en-tête (ligne {line}) : {missing}. La première ligne doit reprendre les en-têtes du modèle : {expected}.',
  'import.file.header.n':
    'Colonnes manquantes dans la ligne d’en-tête (ligne {line}) : {missing}. La première ligne doit reprendre les en-têtes du modèle : {expected}.',

  // Problems of a row or a cell.
  'import.controlChar':
    'Caractère de contrôle invisible ({char}, position {position} dans la cellule), souvent venu d’un copier-coller : retapez le texte de cette cellule.',
  'import.formula': 'Cellule contenant une formule : collez la valeur, pas la formule.',
  'import.cellError': 'Cellule en erreur ({error}) : corrigez-la dans le tableur.',
  'import.naValue': 'Écrivez « oui » si la valeur n’est pas disponible, sinon laissez la cellule vide.',
  'import.noCode': 'Indiquez le code de l’indicateur.',
  'import.noPole': 'Indiquez l’identifiant du pôle.',
  'import.badYear': 'Indiquez l’année sur quatre chiffres, par exemple 2024.',
  'import.badQuarter': 'Indiquez le trimestre : 1, 2, 3 ou 4.',
  'import.unknownCode': 'Code d’indicateur inconnu ou non applicable à ce trimestre : « {code} ».',
  'import.computed': '« {code} » est calculé automatiquement à partir de ses composantes : ne le saisissez pas.',
  'import.unknownCategory': 'Catégorie inconnue pour {code} : « {category} » (catégories possibles : {expected}).',
  'import.noCategory': '{code} n’a pas de catégories : laissez la colonne « categorie » vide.',
  'import.duplicate': 'Ligne en double : cet indicateur et cette catégorie sont déjà renseignés ligne {line}.',
  'import.onTotalRow': '« Non disponible », la raison et le commentaire se renseignent sur la ligne du total (catégorie vide).',
  'import.storedProblem': 'Valeur déjà enregistrée ({line}) : {message}',
  'import.unknownPole.1': 'Pôle inconnu : « {pole} » ({count} ligne).',
  'import.unknownPole.n': 'Pôle inconnu : « {pole} » ({count} lignes).',
  'import.notReportable.1':
    '{pole} ne déclare pas le trimestre {period} (avant son premier trimestre, après son archivage, ou pas encore terminé) ; {count} ligne concernée.',
  'import.notReportable.n':
    '{pole} ne déclare pas le trimestre {period} (avant son premier trimestre, après son archivage, ou pas encore terminé) ; {count} lignes concernées.',
  'import.locked': 'Le trimestre {period} est {status} : il ne peut plus être modifié par import. Il doit d’abord être rouvert.',
  'import.conflictJudge': 'Ce trimestre a été modifié pendant la vérification : envoyez le fichier de nouveau.',

  // Preview.
  'import.preview.title': 'Aperçu de l’import',
  'import.preview.file': 'fichier « {name} » envoyé le {date}',
  'import.word.row': 'ligne',
  'import.word.rows': 'lignes',
  'import.word.problem': 'problème',
  'import.word.problems': 'problèmes',
  'import.word.noProblem': 'aucun problème',
  'import.word.change': 'modification',
  'import.word.changes': 'modifications',
  'import.problems.title': 'Problèmes à corriger',
  'import.problems.intro': 'Rien n’a été enregistré. Corrigez ces cellules dans votre fichier, puis envoyez-le de nouveau.',
  'import.changes.title': 'Ce que l’import va modifier',
  'import.changes.applied': 'Ce que l’import a modifié',
  'import.changes.pending': 'Ce que l’import modifiera une fois le fichier corrigé',
  'import.col.line': 'Ligne',
  'import.col.column': 'Colonne',
  'import.col.problem': 'Problème',
  'import.col.where': 'Pôle · trimestre',
  'import.col.indicator': 'Indicateur',
  'import.col.old': 'Valeur actuelle',
  'import.col.new': 'Nouvelle valeur',
  'import.noteComment': 'commentaire ou raison',
  'import.statusLine': 'Statut du trimestre',
  'import.more.1': '… et {count} autre, non affiché.',
  'import.more.n': '… et {count} autres, non affichés.',
  'import.nothing': 'Ce fichier ne modifie aucune valeur : il n’y a rien à importer.',
  'import.confirmHint':
    'Les valeurs seront enregistrées avec les mêmes règles que le formulaire, et chaque modification restera dans l’historique.',
  'import.confirm': 'Confirmer l’import',
  'import.again': 'Envoyer un autre fichier',
  'import.againFixed': 'Envoyer le fichier corrigé',

  // Confirmation.
  'import.applied': 'Import enregistré : {changes}.',
  'import.appliedNothing': 'Import terminé : aucune valeur n’était à modifier.',
  'import.appliedOn': 'Cet import a été appliqué le {date}.',
  'import.closed.applied': 'Cet import a déjà été appliqué.',
  'import.closed.discarded': 'Cet import a été remplacé par un fichier envoyé plus tard : il ne peut plus être confirmé.',
  'import.problems': 'Les données ont changé depuis l’aperçu et le fichier pose maintenant problème : rien n’a été enregistré.',
  'import.changed':
    'Le trimestre a été modifié depuis l’aperçu : rien n’a été enregistré. Vérifiez ce que l’import va maintenant modifier, puis confirmez de nouveau.',
  'import.conflict': 'Un trimestre a été modifié pendant l’import : rien n’a été enregistré. Vérifiez l’aperçu et confirmez de nouveau.',

  // Templates.
  'import.template.sheet': 'Import',
  'import.template.noticeSheet': 'Mode d’emploi',
  'import.template.polesSheet': 'Pôles',
  'import.template.indicatorsSheet': 'Indicateurs',
  'import.template.exampleComment': 'Ligne d’exemple : à remplacer',
  'import.template.noticeQuarter':
    'Remplissez la colonne « valeur » de la feuille « Import » : un nombre, avec la virgule pour les décimales.\nSi une valeur n’est pas disponible, écrivez « oui » dans « non_disponible » et donnez la raison.\nLa répartition par catégorie (membres) se remplit sur les lignes de catégorie ; le total se calcule s’il est laissé vide.\nUne cellule « valeur » vide ne change pas la valeur déjà enregistrée.\nCollez des valeurs, pas des formules. Ne modifiez ni les codes ni les en-têtes.',
  'import.template.noticeLong':
    'Une ligne par pôle, indicateur, catégorie et trimestre, dans la feuille « Import ».\npole : identifiant du pôle (feuille « Pôles ») ; indicateur : code (feuille « Indicateurs ») ; categorie : vide pour le total.\nannee : 2024 ; trimestre : 1 à 4 ; valeur : un nombre, avec la virgule ou le point pour les décimales.\nnon_disponible (« oui »), raison et commentaire sont facultatifs.\nRemplacez la ligne d’exemple. Collez des valeurs, pas des formules.',
} satisfies Messages<'import'>;
