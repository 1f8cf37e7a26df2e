import { Migration20261121Foundation } from './Migration20261121Foundation.js';

/** Listed by hand so migrations run the same under tsx, vitest and a bundle. Append new ones in order. */
export const migrationsList = [{ name: 'Migration20261121Foundation', class: Migration20261121Foundation }];
