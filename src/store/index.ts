/** What the rest of the program (app.ts, tests) takes from the store. */
export { createLedger, SqlLedger, type SqlLedgerOptions } from './ledger.js';
export { openDatabase, type Database, type DatabaseOptions } from './database.js';
export { migrateToLatest } from './migrations/index.js';
