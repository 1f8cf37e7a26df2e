import { Migration20261121Foundation } from './Migration20261121Foundation.js';
import { Migration20261201LivePatrols } from './Migration20261201LivePatrols.js';
import { Migration20261222IncidentsPlaceAndTime } from './Migration20261222IncidentsPlaceAndTime.js';
import { Migration20261223PatrolReach } from './Migration20261223PatrolReach.js';
import { Migration20261224RecentWrites } from './Migration20261224RecentWrites.js';
import { Migration20261228PatrolPlans } from './Migration20261228PatrolPlans.js';
import { Migration20261228StreetNetwork } from './Migration20261228StreetNetwork.js';
import { Migration20261229DarknessNoaa } from './Migration20261229DarknessNoaa.js';
import { Migration20261230StreetPlaces } from './Migration20261230StreetPlaces.js';
import { Migration20261231SignInAttempts } from './Migration20261231SignInAttempts.js';
import { Migration20270102PatrolReachHours } from './Migration20270102PatrolReachHours.js';
import { Migration20270104IncidentsPointIndex } from './Migration20270104IncidentsPointIndex.js';
import { Migration20270105ReachUnsimplified } from './Migration20270105ReachUnsimplified.js';

/** Listed by hand so migrations run the same under tsx, vitest and a bundle. Append new ones in order. */
export const migrationsList = [
  { name: 'Migration20261121Foundation', class: Migration20261121Foundation },
  { name: 'Migration20261201LivePatrols', class: Migration20261201LivePatrols },
  { name: 'Migration20261222IncidentsPlaceAndTime', class: Migration20261222IncidentsPlaceAndTime },
  { name: 'Migration20261223PatrolReach', class: Migration20261223PatrolReach },
  { name: 'Migration20261224RecentWrites', class: Migration20261224RecentWrites },
  { name: 'Migration20261228StreetNetwork', class: Migration20261228StreetNetwork },
  { name: 'Migration20261228PatrolPlans', class: Migration20261228PatrolPlans },
  { name: 'Migration20261229DarknessNoaa', class: Migration20261229DarknessNoaa },
  { name: 'Migration20261230StreetPlaces', class: Migration20261230StreetPlaces },
  { name: 'Migration20261231SignInAttempts', class: Migration20261231SignInAttempts },
  { name: 'Migration20270102PatrolReachHours', class: Migration20270102PatrolReachHours },
  { name: 'Migration20270104IncidentsPointIndex', class: Migration20270104IncidentsPointIndex },
  { name: 'Migration20270105ReachUnsimplified', class: Migration20270105ReachUnsimplified },
];
