import { Migration } from '@mikro-orm/migrations';

/**
 * Live patrols (issue #6): device accounts bound to one patrol unit, and an index for
 * replaying the positions stored since a time to a live subscriber that reconnects.
 */
export class Migration20261201LivePatrols extends Migration {
  override async up(): Promise<void> {
    // One DEVICE account per unit: device tokens name it as their subject, so the usual
    // revocation check (token version against the user row) covers them too. Deleting the
    // unit deletes the account, and with it every token issued for the unit.
    this.addSql(`
      alter table users
        add column device_unit_id uuid unique references patrol_units (id) on update cascade on delete cascade,
        add constraint users_device_unit_only_for_devices check (device_unit_id is null or role = 'DEVICE');`);

    // received_at only grows as rows are appended, so a BRIN index (a few pages for
    // millions of rows, next to nothing to maintain on ingest) finds "stored since T".
    this.addSql(`create index positions_received_at_brin on positions using brin (received_at);`);
  }
}
