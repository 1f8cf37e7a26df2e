/**
 * The live events that travel between server processes, as JSON. They are kept small and
 * plain (times as ISO strings or epoch milliseconds, no entities) because they cross
 * PostgreSQL NOTIFY, whose payloads are text under 8,000 bytes; bigger ones are chunked
 * by the transport (see envelope.ts).
 */

/** One stored fix: [epoch ms, longitude, latitude, accuracy, speed, heading]. */
export type CompactFix = [number, number, number, number | null, number | null, number | null];

export interface PositionsMessage {
  unitId: string;
  /** `received_at` of the rows: when the transaction that stored them started (ISO). */
  storedAt: string;
  /** In time order. */
  fixes: CompactFix[];
}

export interface VisitMessage {
  id: string;
  unitId: string;
  siteId: string;
  enteredAt: string;
  exitedAt: string;
  fixes: number;
}

export interface VisitsMessage {
  visits: VisitMessage[];
}

export interface SiteOverdueMessage {
  siteId: string;
  /** When the site became overdue (ISO). */
  dueBy: string;
  /** End of the last visit (ISO), if it ever had one. */
  lastVisitAt: string | null;
}

export interface IncidentsMessage {
  /** Ids of the incidents added, in the order they were added. */
  ids: string[];
}

/**
 * Local only, never sent: this process's LISTEN connection was down from `since` until
 * now, so events sent meanwhile may not have reached it. Live feeds that can, replay.
 */
export interface GapMessage {
  since: string;
}

/** Every token of this account issued so far was revoked (sign-out, account disabled). */
export interface RevokedMessage {
  userId: string;
}

export interface LiveMessages {
  positions: PositionsMessage;
  visits: VisitsMessage;
  siteOverdue: SiteOverdueMessage;
  incidents: IncidentsMessage;
  gap: GapMessage;
  revoked: RevokedMessage;
}

export type LiveTopic = keyof LiveMessages;
