// For the knex CLI only (npm run knex -- migrate:status); the app builds its own handle from loadConfig.
import { loadConfigFromProcess } from './server/config.ts';
import { knexOptions } from './server/db/connection.ts';

export default knexOptions(loadConfigFromProcess().database);
