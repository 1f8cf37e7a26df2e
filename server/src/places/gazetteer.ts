/**
 * Named places in the command area that are not wards, streets or sites: neighbourhoods,
 * stations, greens and landmarks people use to say where something is ("thefts from
 * vehicles around South End Green"). Points are the usual centre of each (its green,
 * station or high street), WGS84 [longitude, latitude]; tests check that each lies inside
 * the Camden and Islington ward boundaries.
 */
export interface GazetteerPlace {
  name: string;
  borough: 'Camden' | 'Islington';
  /** What kind of place, in words: shown beside the name. */
  what: string;
  at: [number, number];
}

export const GAZETTEER: readonly GazetteerPlace[] = [
  { name: 'South End Green', borough: 'Camden', what: 'Neighbourhood', at: [-0.1658, 51.5563] },
  { name: 'Belsize Park', borough: 'Camden', what: 'Neighbourhood', at: [-0.1645, 51.5502] },
  { name: 'Hampstead', borough: 'Camden', what: 'Village', at: [-0.1781, 51.5567] },
  { name: 'Hampstead Heath', borough: 'Camden', what: 'Park', at: [-0.165, 51.563] },
  { name: 'Parliament Hill', borough: 'Camden', what: 'Park', at: [-0.1604, 51.5597] },
  { name: 'Royal Free Hospital', borough: 'Camden', what: 'Hospital', at: [-0.165, 51.5532] },
  { name: 'Swiss Cottage', borough: 'Camden', what: 'Neighbourhood', at: [-0.1748, 51.5431] },
  { name: 'West Hampstead', borough: 'Camden', what: 'Neighbourhood', at: [-0.191, 51.547] },
  { name: 'Kilburn', borough: 'Camden', what: 'Neighbourhood', at: [-0.192, 51.5425] },
  { name: 'Chalk Farm', borough: 'Camden', what: 'Neighbourhood', at: [-0.1538, 51.5441] },
  { name: 'Primrose Hill', borough: 'Camden', what: 'Neighbourhood', at: [-0.156, 51.542] },
  { name: 'Camden Town', borough: 'Camden', what: 'Neighbourhood', at: [-0.1426, 51.5392] },
  { name: 'Camden Market', borough: 'Camden', what: 'Market', at: [-0.146, 51.5415] },
  { name: 'Kentish Town', borough: 'Camden', what: 'Neighbourhood', at: [-0.1405, 51.5503] },
  { name: 'Gospel Oak', borough: 'Camden', what: 'Neighbourhood', at: [-0.151, 51.555] },
  { name: 'Tufnell Park', borough: 'Islington', what: 'Neighbourhood', at: [-0.1383, 51.5567] },
  { name: 'Dartmouth Park', borough: 'Camden', what: 'Neighbourhood', at: [-0.143, 51.56] },
  { name: 'Highgate Cemetery', borough: 'Camden', what: 'Landmark', at: [-0.147, 51.567] },
  { name: 'Euston', borough: 'Camden', what: 'Station', at: [-0.1335, 51.5282] },
  { name: 'Somers Town', borough: 'Camden', what: 'Neighbourhood', at: [-0.132, 51.532] },
  { name: 'St Pancras', borough: 'Camden', what: 'Station', at: [-0.1262, 51.5316] },
  { name: 'Bloomsbury', borough: 'Camden', what: 'Neighbourhood', at: [-0.126, 51.5218] },
  { name: 'Holborn', borough: 'Camden', what: 'Neighbourhood', at: [-0.12, 51.5174] },
  { name: 'Seven Dials', borough: 'Camden', what: 'Neighbourhood', at: [-0.1265, 51.514] },
  { name: 'Archway', borough: 'Islington', what: 'Neighbourhood', at: [-0.1345, 51.5653] },
  { name: 'Upper Holloway', borough: 'Islington', what: 'Neighbourhood', at: [-0.1295, 51.5636] },
  { name: 'Nag’s Head', borough: 'Islington', what: 'Neighbourhood', at: [-0.117, 51.5565] },
  { name: 'Emirates Stadium', borough: 'Islington', what: 'Landmark', at: [-0.1084, 51.5549] },
  { name: 'Finsbury Park station', borough: 'Islington', what: 'Station', at: [-0.1065, 51.5642] },
  { name: 'Highbury Fields', borough: 'Islington', what: 'Park', at: [-0.101, 51.549] },
  { name: 'Highbury Corner', borough: 'Islington', what: 'Neighbourhood', at: [-0.104, 51.5462] },
  { name: 'Caledonian Road', borough: 'Islington', what: 'Neighbourhood', at: [-0.1188, 51.5484] },
  { name: 'Islington Green', borough: 'Islington', what: 'Neighbourhood', at: [-0.1027, 51.5365] },
  { name: 'Angel', borough: 'Islington', what: 'Neighbourhood', at: [-0.1057, 51.5322] },
  { name: 'Pentonville', borough: 'Islington', what: 'Neighbourhood', at: [-0.114, 51.531] },
  { name: 'Newington Green', borough: 'Islington', what: 'Neighbourhood', at: [-0.087, 51.551] },
  { name: 'Clerkenwell Green', borough: 'Islington', what: 'Neighbourhood', at: [-0.1055, 51.5234] },
  { name: 'Bunhill Fields', borough: 'Islington', what: 'Landmark', at: [-0.089, 51.5237] },
];
