import path from 'node:path';
import type { Express } from 'express';
import { engine } from 'express-handlebars';
import { tHelper, tnHelper } from '../views/helpers/i18n.ts';
import { dateHelper, dateTimeHelper, numberHelper, scaledHelper } from '../views/helpers/format.ts';
import { errorLinks } from '../views/helpers/errors.ts';
import { menuHelper } from '../views/menu.ts';
import { and, concat, eq, hasAny, includes, isRole, json, lt, not, or } from '../views/helpers/logic.ts';

export const viewsDirectory = path.resolve(import.meta.dirname, '../../views');

/** Handlebars with the layout, partials and helpers; no helper returns unescaped HTML. */
export function setUpViews(app: Express, cache: boolean): void {
  app.engine(
    'hbs',
    engine({
      extname: '.hbs',
      defaultLayout: 'main',
      layoutsDir: path.join(viewsDirectory, 'layouts'),
      partialsDir: path.join(viewsDirectory, 'partials'),
      helpers: {
        t: tHelper,
        tn: tnHelper,
        number: numberHelper,
        scaled: scaledHelper,
        date: dateHelper,
        dateTime: dateTimeHelper,
        eq,
        not,
        or,
        and,
        includes,
        isRole,
        json,
        concat,
        lt,
        hasAny,
        errorLinks,
        menu: menuHelper,
      },
    }),
  );
  app.set('view engine', 'hbs');
  app.set('views', viewsDirectory);
  if (cache) app.enable('view cache');
}
