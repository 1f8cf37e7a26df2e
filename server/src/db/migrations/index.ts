import { Migration20261121Foundation } from './Migration20261121Foundation.js';
import { Migration20261201LivePatrols } from './Migration20261201LivePatrols.js';
import { Migration20261222IncidentsPlaceAndTime } from './Migration20261222IncidentsPlaceAndTime.js';
import { Migration20261223PatrolReach } from './Migration20261223PatrolReach.js';
import { Migration20261224DarknessNoaa } from './Migration20261224DarknessNoaa.js';
import { Migration20261226StreetPlaces } from './Migration20261226StreetPlaces.js';

/** Listed by hand so migrations run the same under tsx, vitest and a bundle. Append new ones in order. */
export const migrationsList = [
  { name: 'Migration20261121Foundation', class: Migration20261121Foundation },
  { name: 'Migration20261201LivePatrols', class: Migration20261201LivePatrols },
  { name: 'Migration20261222IncidentsPlaceAndTime', class: Migration20261222IncidentsPlaceAndTime },
  { name: 'Migration20261223PatrolReach', class: Migration20261223PatrolReach },
  { name: 'Migration20261224DarknessNoaa', class: Migration20261224DarknessNoaa },
  { name: 'Migration20261226StreetPlaces', class: Migration20261226StreetPlaces },
];
