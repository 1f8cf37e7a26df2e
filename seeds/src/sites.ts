import { distanceMetres, type LonLat, offsetMetres, type WardMap } from './geo.js';
import { Rng, stableUuid } from './random.js';
import { DAY } from './time.js';

/** The server's SiteKind and RiskLevel values (the seeds package does not import the server). */
export type DemoSiteKind = 'SYNAGOGUE' | 'MOSQUE' | 'CHURCH' | 'TEMPLE' | 'SCHOOL' | 'BUSINESS' | 'COMMUNITY_CENTRE' | 'EMBASSY' | 'OTHER';
export type DemoRiskLevel = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** Which demo patrol looks after a site (see patrols.ts). */
export type Coverage = 'CN-R1' | 'IS-R1' | 'CN-BZ1' | 'CN-HT1';

export interface DemoSite {
  id: string;
  key: string;
  name: string;
  kind: DemoSiteKind;
  ward: string;
  borough: 'Camden' | 'Islington';
  location: LonLat;
  riskLevel: DemoRiskLevel;
  requiredVisitsPerDay: number;
  community: string | null;
  requestedBy: string | null;
  activeFrom: Date;
  coveredBy: Coverage;
}

/**
 * Visits per day by risk. Brief and mission: high-risk sites are visited twice a day; the
 * demo asks three for critical ones and one for the rest.
 */
export const VISITS_PER_DAY: Record<DemoRiskLevel, number> = { LOW: 1, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };

/**
 * Neighbourhood centres (approximate, public place names), around which sites are
 * scattered at random. They are deliberately not the address of any real community
 * building: every site name is invented and ends in "(demo)".
 */
const AREAS: Record<string, LonLat> = {
  belsizePark: [-0.1645, 51.5497],
  southEndGreen: [-0.1658, 51.5563],
  hampsteadVillage: [-0.1785, 51.5566],
  swissCottage: [-0.1747, 51.5432],
  westHampstead: [-0.1912, 51.5474],
  kilburn: [-0.1935, 51.5405],
  kentishTown: [-0.1404, 51.5503],
  camdenTown: [-0.1426, 51.5392],
  regentsParkEstate: [-0.1415, 51.529],
  somersTown: [-0.1325, 51.532],
  bloomsbury: [-0.127, 51.5218],
  holborn: [-0.119, 51.518],
  finsburyPark: [-0.1075, 51.563],
  holloway: [-0.1175, 51.553],
  highbury: [-0.101, 51.548],
  archway: [-0.135, 51.565],
  angel: [-0.103, 51.5335],
  caledonianRoad: [-0.1165, 51.542],
  clerkenwell: [-0.106, 51.524],
  mildmay: [-0.088, 51.55],
};

interface Entry {
  key: string;
  name: string;
  kind: DemoSiteKind;
  ward: string;
  area: keyof typeof AREAS;
  risk: DemoRiskLevel;
  community: string | null;
  coveredBy: Coverage;
  /** Days from the event day the site joined the list (negative: before the event). */
  listedDay: number;
  requestedBy?: string;
}

/**
 * The patrol list: 47 invented sites of every kind across both boroughs. The Belsize Park
 * shops join on day 10, after the Safer Neighbourhood Panel asked for "the shops run by
 * Israelis and others in Belsize Park" (mission text), and are walked by the Belsize SNT.
 */
const CATALOGUE: Entry[] = [
  // Camden — Jewish community
  {
    key: 'kehillat-or',
    name: 'Kehillat Or Synagogue (demo)',
    kind: 'SYNAGOGUE',
    ward: 'Hampstead Town',
    area: 'hampsteadVillage',
    risk: 'HIGH',
    community: 'Jewish',
    coveredBy: 'CN-R1',
    listedDay: 0,
    requestedBy: 'Hampstead Town councillor (demo)',
  },
  {
    key: 'ohel-torah',
    name: 'Ohel Torah Synagogue (demo)',
    kind: 'SYNAGOGUE',
    ward: 'Belsize',
    area: 'belsizePark',
    risk: 'HIGH',
    community: 'Jewish',
    coveredBy: 'CN-R1',
    listedDay: 0,
  },
  {
    key: 'beit-hadash',
    name: 'Beit Hadash Synagogue (demo)',
    kind: 'SYNAGOGUE',
    ward: 'Swiss Cottage',
    area: 'swissCottage',
    risk: 'HIGH',
    community: 'Jewish',
    coveredBy: 'CN-R1',
    listedDay: 0,
  },
  {
    key: 'shaarei-tikvah',
    name: 'Shaarei Tikvah Synagogue (demo)',
    kind: 'SYNAGOGUE',
    ward: 'West Hampstead',
    area: 'westHampstead',
    risk: 'HIGH',
    community: 'Jewish',
    coveredBy: 'CN-R1',
    listedDay: 0,
  },
  {
    key: 'frognal-minyan',
    name: 'Frognal Minyan (demo)',
    kind: 'SYNAGOGUE',
    ward: 'Frognal and Fitzjohns',
    area: 'hampsteadVillage',
    risk: 'MEDIUM',
    community: 'Jewish',
    coveredBy: 'CN-R1',
    listedDay: 2,
  },
  {
    key: 'alon-school',
    name: 'Alon Jewish Primary School (demo)',
    kind: 'SCHOOL',
    ward: 'Swiss Cottage',
    area: 'swissCottage',
    risk: 'CRITICAL',
    community: 'Jewish',
    coveredBy: 'CN-R1',
    listedDay: 0,
  },
  {
    key: 'belsize-jcc',
    name: 'Belsize Jewish Community Centre (demo)',
    kind: 'COMMUNITY_CENTRE',
    ward: 'Belsize',
    area: 'belsizePark',
    risk: 'HIGH',
    community: 'Jewish',
    coveredBy: 'CN-BZ1',
    listedDay: 1,
  },
  {
    key: 'jewish-library',
    name: 'Jewish Heritage Reading Room (demo)',
    kind: 'OTHER',
    ward: 'Bloomsbury',
    area: 'bloomsbury',
    risk: 'HIGH',
    community: 'Jewish',
    coveredBy: 'CN-R1',
    listedDay: 3,
  },
  {
    key: 'kosher-butcher-swiss',
    name: 'Finchley Road Kosher Butcher (demo)',
    kind: 'BUSINESS',
    ward: 'Swiss Cottage',
    area: 'swissCottage',
    risk: 'MEDIUM',
    community: 'Jewish',
    coveredBy: 'CN-R1',
    listedDay: 4,
  },
  // Camden — Belsize Park shops run by Israelis and others (requested at the panel meeting)
  {
    key: 'shuk-deli',
    name: 'Shuk Deli (demo)',
    kind: 'BUSINESS',
    ward: 'Belsize',
    area: 'belsizePark',
    risk: 'HIGH',
    community: 'Israeli',
    coveredBy: 'CN-BZ1',
    listedDay: 10,
    requestedBy: 'Hampstead Town councillor (demo)',
  },
  {
    key: 'tel-aviv-bakery',
    name: 'Tel Aviv Bakery (demo)',
    kind: 'BUSINESS',
    ward: 'Belsize',
    area: 'belsizePark',
    risk: 'HIGH',
    community: 'Israeli',
    coveredBy: 'CN-BZ1',
    listedDay: 10,
    requestedBy: 'Hampstead Town councillor (demo)',
  },
  {
    key: 'galil-cafe',
    name: 'Galil Café (demo)',
    kind: 'BUSINESS',
    ward: 'Belsize',
    area: 'belsizePark',
    risk: 'MEDIUM',
    community: 'Israeli',
    coveredBy: 'CN-BZ1',
    listedDay: 10,
    requestedBy: 'Hampstead Town councillor (demo)',
  },
  {
    key: 'negev-grocers',
    name: 'Negev Grocers (demo)',
    kind: 'BUSINESS',
    ward: 'Haverstock',
    area: 'belsizePark',
    risk: 'MEDIUM',
    community: 'Israeli',
    coveredBy: 'CN-BZ1',
    listedDay: 10,
    requestedBy: 'Hampstead Town councillor (demo)',
  },
  // Camden — Muslim community
  {
    key: 'masjid-an-nur',
    name: 'Masjid an-Nur (demo)',
    kind: 'MOSQUE',
    ward: "Regent's Park",
    area: 'regentsParkEstate',
    risk: 'HIGH',
    community: 'Muslim',
    coveredBy: 'CN-R1',
    listedDay: 0,
  },
  {
    key: 'kentish-town-islamic',
    name: 'Kentish Town Islamic Centre (demo)',
    kind: 'MOSQUE',
    ward: 'Kentish Town',
    area: 'kentishTown',
    risk: 'HIGH',
    community: 'Muslim',
    coveredBy: 'CN-R1',
    listedDay: 0,
  },
  {
    key: 'somers-town-masjid',
    name: 'Somers Town Masjid (demo)',
    kind: 'MOSQUE',
    ward: 'St. Pancras and Somers Town',
    area: 'somersTown',
    risk: 'HIGH',
    community: 'Muslim',
    coveredBy: 'CN-R1',
    listedDay: 0,
  },
  {
    key: 'kilburn-masjid',
    name: 'Kilburn Musalla (demo)',
    kind: 'MOSQUE',
    ward: 'Kilburn',
    area: 'kilburn',
    risk: 'MEDIUM',
    community: 'Muslim',
    coveredBy: 'CN-R1',
    listedDay: 2,
  },
  {
    key: 'al-huda-school',
    name: "Al-Huda Girls' School (demo)",
    kind: 'SCHOOL',
    ward: 'St. Pancras and Somers Town',
    area: 'somersTown',
    risk: 'HIGH',
    community: 'Muslim',
    coveredBy: 'CN-R1',
    listedDay: 1,
  },
  {
    key: 'somers-town-bcc',
    name: 'Somers Town Bangladeshi Community Centre (demo)',
    kind: 'COMMUNITY_CENTRE',
    ward: 'St. Pancras and Somers Town',
    area: 'somersTown',
    risk: 'MEDIUM',
    community: 'Muslim',
    coveredBy: 'CN-R1',
    listedDay: 3,
  },
  // Camden — other faiths, schools, a diplomatic mission
  {
    key: 'camden-mandir',
    name: 'Camden Hindu Mandir (demo)',
    kind: 'TEMPLE',
    ward: 'Camden Town with Primrose Hill',
    area: 'camdenTown',
    risk: 'MEDIUM',
    community: 'Hindu',
    coveredBy: 'CN-R1',
    listedDay: 5,
  },
  {
    key: 'kentish-gurdwara',
    name: 'Kentish Town Gurdwara (demo)',
    kind: 'TEMPLE',
    ward: 'Cantelowes',
    area: 'kentishTown',
    risk: 'LOW',
    community: 'Sikh',
    coveredBy: 'CN-R1',
    listedDay: 12,
  },
  {
    key: 'holy-redeemer',
    name: 'Church of the Holy Redeemer (demo)',
    kind: 'CHURCH',
    ward: 'Holborn and Covent Garden',
    area: 'holborn',
    risk: 'LOW',
    community: 'Christian',
    coveredBy: 'CN-R1',
    listedDay: -20,
  },
  {
    key: 'fleet-valley-primary',
    name: 'Fleet Valley Primary School (demo)',
    kind: 'SCHOOL',
    ward: 'Gospel Oak',
    area: 'southEndGreen',
    risk: 'MEDIUM',
    community: null,
    coveredBy: 'CN-HT1',
    listedDay: -40,
  },
  {
    key: 'demoland-embassy',
    name: 'Embassy of the Republic of Demoland (demo)',
    kind: 'EMBASSY',
    ward: 'Bloomsbury',
    area: 'bloomsbury',
    risk: 'CRITICAL',
    community: 'Diplomatic',
    coveredBy: 'CN-R1',
    listedDay: -60,
  },
  {
    key: 'kings-cross-chapel',
    name: "King's Cross Chapel (demo)",
    kind: 'CHURCH',
    ward: "King's Cross",
    area: 'somersTown',
    risk: 'LOW',
    community: 'Christian',
    coveredBy: 'CN-R1',
    listedDay: -20,
  },
  // Islington — Jewish community
  {
    key: 'kol-islington',
    name: 'Kol Islington Synagogue (demo)',
    kind: 'SYNAGOGUE',
    ward: 'Canonbury',
    area: 'highbury',
    risk: 'HIGH',
    community: 'Jewish',
    coveredBy: 'IS-R1',
    listedDay: 0,
  },
  {
    key: 'ner-tamid',
    name: 'Ner Tamid Synagogue (demo)',
    kind: 'SYNAGOGUE',
    ward: 'Highbury East',
    area: 'highbury',
    risk: 'HIGH',
    community: 'Jewish',
    coveredBy: 'IS-R1',
    listedDay: 0,
  },
  {
    key: 'highbury-nursery',
    name: 'Highbury Jewish Nursery (demo)',
    kind: 'SCHOOL',
    ward: 'Highbury West',
    area: 'highbury',
    risk: 'HIGH',
    community: 'Jewish',
    coveredBy: 'IS-R1',
    listedDay: 1,
  },
  {
    key: 'highbury-hall',
    name: 'Highbury Jewish Community Hall (demo)',
    kind: 'COMMUNITY_CENTRE',
    ward: 'Highbury East',
    area: 'highbury',
    risk: 'MEDIUM',
    community: 'Jewish',
    coveredBy: 'IS-R1',
    listedDay: 2,
  },
  {
    key: 'upper-street-deli',
    name: 'Upper Street Kosher Deli (demo)',
    kind: 'BUSINESS',
    ward: "St. Mary's",
    area: 'angel',
    risk: 'MEDIUM',
    community: 'Jewish',
    coveredBy: 'IS-R1',
    listedDay: 6,
  },
  {
    key: 'exmouth-cafe',
    name: 'Jaffa Café Exmouth Market (demo)',
    kind: 'BUSINESS',
    ward: 'Clerkenwell',
    area: 'clerkenwell',
    risk: 'MEDIUM',
    community: 'Israeli',
    coveredBy: 'IS-R1',
    listedDay: 11,
  },
  // Islington — Muslim community
  {
    key: 'masjid-al-furqan',
    name: 'Masjid al-Furqan (demo)',
    kind: 'MOSQUE',
    ward: 'Finsbury Park',
    area: 'finsburyPark',
    risk: 'CRITICAL',
    community: 'Muslim',
    coveredBy: 'IS-R1',
    listedDay: 0,
  },
  {
    key: 'holloway-islamic',
    name: 'Holloway Islamic Centre (demo)',
    kind: 'MOSQUE',
    ward: 'Holloway',
    area: 'holloway',
    risk: 'HIGH',
    community: 'Muslim',
    coveredBy: 'IS-R1',
    listedDay: 0,
  },
  {
    key: 'angel-masjid',
    name: 'Angel Masjid (demo)',
    kind: 'MOSQUE',
    ward: "St. Peter's",
    area: 'angel',
    risk: 'HIGH',
    community: 'Muslim',
    coveredBy: 'IS-R1',
    listedDay: 0,
  },
  {
    key: 'caledonian-masjid',
    name: 'Caledonian Road Musalla (demo)',
    kind: 'MOSQUE',
    ward: 'Caledonian',
    area: 'caledonianRoad',
    risk: 'MEDIUM',
    community: 'Muslim',
    coveredBy: 'IS-R1',
    listedDay: 2,
  },
  {
    key: 'islington-islamic-primary',
    name: 'Islington Islamic Primary School (demo)',
    kind: 'SCHOOL',
    ward: 'Tollington',
    area: 'finsburyPark',
    risk: 'HIGH',
    community: 'Muslim',
    coveredBy: 'IS-R1',
    listedDay: 1,
  },
  {
    key: 'archway-somali',
    name: 'Archway Somali Community Centre (demo)',
    kind: 'COMMUNITY_CENTRE',
    ward: 'Junction',
    area: 'archway',
    risk: 'MEDIUM',
    community: 'Muslim',
    coveredBy: 'IS-R1',
    listedDay: 3,
  },
  {
    key: 'holloway-halal',
    name: 'Holloway Road Halal Butchers (demo)',
    kind: 'BUSINESS',
    ward: 'Holloway',
    area: 'holloway',
    risk: 'MEDIUM',
    community: 'Muslim',
    coveredBy: 'IS-R1',
    listedDay: 5,
  },
  {
    key: 'mildmay-turkish',
    name: 'Mildmay Turkish Community Centre (demo)',
    kind: 'COMMUNITY_CENTRE',
    ward: 'Mildmay',
    area: 'mildmay',
    risk: 'MEDIUM',
    community: 'Muslim',
    coveredBy: 'IS-R1',
    listedDay: 8,
  },
  // Islington — other faiths and schools
  {
    key: 'finsbury-pentecostal',
    name: 'Finsbury Park Pentecostal Church (demo)',
    kind: 'CHURCH',
    ward: 'Finsbury Park',
    area: 'finsburyPark',
    risk: 'LOW',
    community: 'Christian',
    coveredBy: 'IS-R1',
    listedDay: -20,
  },
  {
    key: 'barnsbury-church',
    name: 'Barnsbury Parish Church (demo)',
    kind: 'CHURCH',
    ward: 'Barnsbury',
    area: 'caledonianRoad',
    risk: 'LOW',
    community: 'Christian',
    coveredBy: 'IS-R1',
    listedDay: -20,
  },
  {
    key: 'islington-buddhist',
    name: 'Islington Buddhist Centre (demo)',
    kind: 'TEMPLE',
    ward: 'Bunhill',
    area: 'clerkenwell',
    risk: 'LOW',
    community: 'Buddhist',
    coveredBy: 'IS-R1',
    listedDay: 14,
  },
  {
    key: 'holloway-mandir',
    name: 'Holloway Hindu Temple (demo)',
    kind: 'TEMPLE',
    ward: "St. George's",
    area: 'holloway',
    risk: 'MEDIUM',
    community: 'Hindu',
    coveredBy: 'IS-R1',
    listedDay: 7,
  },
  {
    key: 'bunhill-primary',
    name: 'Bunhill Row Primary School (demo)',
    kind: 'SCHOOL',
    ward: 'Bunhill',
    area: 'clerkenwell',
    risk: 'LOW',
    community: null,
    coveredBy: 'IS-R1',
    listedDay: -40,
  },
  {
    key: 'hillrise-academy',
    name: 'Hillrise Academy (demo)',
    kind: 'SCHOOL',
    ward: 'Hillrise',
    area: 'archway',
    risk: 'LOW',
    community: null,
    coveredBy: 'IS-R1',
    listedDay: -40,
  },
  {
    key: 'canonbury-church',
    name: 'Canonbury Methodist Church (demo)',
    kind: 'CHURCH',
    ward: 'Canonbury',
    area: 'highbury',
    risk: 'LOW',
    community: 'Christian',
    coveredBy: 'IS-R1',
    listedDay: -20,
  },
  {
    key: 'barnsbury-gurdwara',
    name: 'Barnsbury Gurdwara (demo)',
    kind: 'TEMPLE',
    ward: 'Barnsbury',
    area: 'caledonianRoad',
    risk: 'LOW',
    community: 'Sikh',
    coveredBy: 'IS-R1',
    listedDay: 9,
  },
];

/** Sites stay this far apart, so a unit parked at one (within r = 50 m) is never at another. */
const MIN_SEPARATION_METRES = 120;

/**
 * Places every catalogue site at a random point near its area's centre that lies inside its
 * ward (point-in-polygon on the real boundary) and far enough from the sites placed before.
 */
export function generateSites(seed: string | number, wards: WardMap, eventDay: Date): DemoSite[] {
  const rng = Rng.stream(seed, 'sites');
  const placed: DemoSite[] = [];
  for (const entry of CATALOGUE) {
    const ward = wards.ward(entry.ward);
    let location: LonLat | undefined;
    for (let attempt = 0; attempt < 500 && !location; attempt++) {
      const candidate = wards.pointNear(entry.ward, AREAS[entry.area] as LonLat, 250 + attempt * 10, rng);
      if (placed.every((s) => distanceMetres(s.location, candidate) >= MIN_SEPARATION_METRES)) location = candidate;
    }
    if (!location) throw new Error(`Could not place ${entry.name}`);
    placed.push({
      id: stableUuid(seed, 'site', entry.key),
      key: entry.key,
      name: entry.name,
      kind: entry.kind,
      ward: entry.ward,
      borough: ward.borough,
      location,
      riskLevel: entry.risk,
      requiredVisitsPerDay: VISITS_PER_DAY[entry.risk],
      community: entry.community,
      requestedBy: entry.requestedBy ?? null,
      activeFrom: new Date(eventDay.getTime() + entry.listedDay * DAY),
      coveredBy: entry.coveredBy,
    });
  }
  return placed;
}

/** The place a unit parks (8–25 m off the site) or stands (5–15 m, at the door) for a stop: well inside r. */
export function standingPoint(site: DemoSite, rng: Rng, onFoot = false): LonLat {
  const distance = onFoot ? rng.range(5, 15) : rng.range(8, 25);
  const angle = rng.range(0, 2 * Math.PI);
  return offsetMetres(site.location, distance * Math.sin(angle), distance * Math.cos(angle));
}

export { AREAS as DEMO_AREAS };
