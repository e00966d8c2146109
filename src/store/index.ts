/** What the rest of the program (app.ts, tests) takes from the store. */
export { createLedger, SqlLedger, type SqlLedgerOptions } from './ledger.js';
export { DatabaseUnavailableError, openDatabase, type Database, type DatabaseOptions } from './database.js';
export { SchemaTooNewError, migrateToLatest } from './migrations/index.js';
export { DatabaseSettingError, parsePostgresUrl, redactUrl } from './postgres.js';
