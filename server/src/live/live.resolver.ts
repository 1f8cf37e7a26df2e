import { Arg, Authorized, Resolver, Root, Subscription } from 'type-graphql';
import { recordAudit } from '../audit/audit.service.js';
import type { Context } from '../graphql/context.js';
import { badInput } from '../graphql/errors.js';
import { BBoxInput } from '../graphql/geo-inputs.js';
import { Incident } from '../incidents/incident.entity.js';
import { PatrolUnit } from '../patrols/patrol-unit.entity.js';
import { Visit } from '../patrols/visit.entity.js';
import { Site } from '../sites/site.entity.js';
import { GAP_MARGIN_MS, insideBox, MAX_REPLAY_MINUTES, storedSince, toPosition } from './live.service.js';
import { SiteOverdueEvent, UnitPositionsEvent } from './live.types.js';
import type { CompactFix, PositionsMessage } from './messages.js';
import { feed } from './streams.js';

interface Subscribe<Args = Record<string, unknown>> {
  args: Args;
  context: Context;
}

/**
 * Starting a live feed is a read of sensitive data (site locations, where units are):
 * audited like one. Written once the feed is listening, so the audit line also marks the
 * moment from which the subscriber hears every event.
 */
async function audited<T>(ctx: Context, operation: string, stream: AsyncIterableIterator<T>): Promise<AsyncIterableIterator<T>> {
  try {
    await recordAudit(ctx.em, { caller: ctx.caller, operation, outcome: 'SUCCESS', clientAddress: ctx.clientAddress });
  } catch (error) {
    await stream.return?.();
    throw error;
  }
  return stream;
}

/** `subscribe` gets the arguments unvalidated, so the box is checked here. */
function checkBox(bbox: BBoxInput | null | undefined): BBoxInput | null {
  if (!bbox) return null;
  const { west, south, east, north } = bbox;
  for (const [name, value, limit] of [
    ['west', west, 180],
    ['east', east, 180],
    ['south', south, 90],
    ['north', north, 90],
  ] as const) {
    if (!Number.isFinite(value) || Math.abs(value) > limit) throw badInput(`bbox.${name}`, `must be between -${limit} and ${limit}`);
  }
  if (west >= east) throw badInput('bbox', `west (${west}) must be less than east (${east})`);
  if (south >= north) throw badInput('bbox', `south (${south}) must be less than north (${north})`);
  return { west, south, east, north };
}

/**
 * Live events over graphql-ws. The socket is authorised when it connects (devices are
 * refused there: they only send positions), and each subscription again by role.
 */
@Resolver()
export class LiveResolver {
  @Authorized()
  @Subscription(() => UnitPositionsEvent, {
    description: `Fixes of every patrol unit as they are stored, one event per unit and batch. With \`since\`, first replays the fixes stored since then (at most ${MAX_REPLAY_MINUTES} minutes back), so a client that reconnects misses nothing.`,
    subscribe: async ({ args, context: ctx }: Subscribe<{ bbox?: BBoxInput | null; since?: Date | null }>) => {
      const box = checkBox(args.bbox);
      const since = args.since ?? null;
      if (since && Date.now() - since.getTime() > MAX_REPLAY_MINUTES * 60_000)
        throw badInput('since', `may reach back at most ${MAX_REPLAY_MINUTES} minutes: use patrolTrace for longer histories`);
      // A batch a replay read from the table may still be on its way as a live event (its
      // notification crossed while the replay ran): its fixes go out once, in the replay.
      // Kept for GAP_MARGIN_MS, past any notification's delay.
      let replayedFixes = new Set<string>();
      let replayedUntil = 0;
      const fixKey = (unitId: string, fix: CompactFix) => `${unitId}:${fix[0]}`;
      const notReplayed = (message: PositionsMessage): CompactFix[] => {
        if (replayedFixes.size === 0) return message.fixes;
        if (Date.now() > replayedUntil) {
          replayedFixes = new Set();
          return message.fixes;
        }
        return message.fixes.filter((f) => !replayedFixes.has(fixKey(message.unitId, f)));
      };
      const toEvent = async (message: PositionsMessage, replayed: boolean): Promise<UnitPositionsEvent[]> => {
        const fixes = (replayed ? message.fixes : notReplayed(message)).filter((f) => insideBox(f, box));
        const unit = fixes.length > 0 ? await ctx.unitDirectory.load(message.unitId) : null;
        if (!unit) return [];
        return [{ unit: unit as PatrolUnit, positions: fixes.map(toPosition), storedAt: new Date(message.storedAt), replayed }];
      };
      const replay = async (from: Date) => {
        const messages = await storedSince(ctx.em.fork(), from, box);
        replayedFixes = new Set(messages.flatMap((m) => m.fixes.map((f) => fixKey(m.unitId, f))));
        replayedUntil = Date.now() + GAP_MARGIN_MS;
        const events = await Promise.all(messages.map((m) => toEvent(m, true)));
        return events.flat();
      };
      return audited(
        ctx,
        'unitPositions',
        feed(
          ctx.pubSub.events('positions', 'gap'),
          (event) =>
            event.topic === 'positions'
              ? toEvent(event.payload, false)
              : replay(new Date(new Date(event.payload.since).getTime() - GAP_MARGIN_MS)),
          since ? () => replay(since) : undefined,
        ),
      );
    },
  })
  unitPositions(
    @Root() event: UnitPositionsEvent,
    @Arg('bbox', () => BBoxInput, { nullable: true, description: 'Only fixes inside this box; everywhere when left out.' })
    _bbox?: BBoxInput,
    @Arg('since', () => Date, {
      nullable: true,
      description: `Replay the fixes stored at or after this time first (at most ${MAX_REPLAY_MINUTES} minutes ago).`,
    })
    _since?: Date,
  ): UnitPositionsEvent {
    return event;
  }

  @Authorized()
  @Subscription(() => Visit, {
    description:
      'Visits as units make them: sent when a visit starts and again each time new fixes extend it (same id, later exitedAt), so a stay shows up while it lasts.',
    subscribe: ({ context: ctx }: Subscribe) =>
      audited(
        ctx,
        'visitRecorded',
        feed(ctx.pubSub.subscribe('visits'), ({ visits }) =>
          visits.map((v) =>
            Object.assign(new Visit(), {
              id: v.id,
              unit: ctx.em.getReference(PatrolUnit, v.unitId),
              site: ctx.em.getReference(Site, v.siteId),
              enteredAt: new Date(v.enteredAt),
              exitedAt: new Date(v.exitedAt),
              fixes: v.fixes,
            }),
          ),
        ),
      ),
  })
  visitRecorded(@Root() visit: Visit): Visit {
    return visit;
  }

  @Authorized()
  @Subscription(() => SiteOverdueEvent, {
    description:
      'Sites as they go overdue (no visit for longer than 24 h ÷ required visits per day), as one server on behalf of all finds them (it looks every 30 seconds).',
    subscribe: ({ context: ctx }: Subscribe) =>
      audited(
        ctx,
        'siteOverdue',
        feed(ctx.pubSub.subscribe('siteOverdue'), async (message) => {
          const site = await ctx.em.fork().findOne(Site, { id: message.siteId });
          if (!site) return [];
          return [{ site, dueBy: new Date(message.dueBy), lastVisitAt: message.lastVisitAt ? new Date(message.lastVisitAt) : null }];
        }),
      ),
  })
  siteOverdue(@Root() event: SiteOverdueEvent): SiteOverdueEvent {
    return event;
  }

  @Authorized()
  @Subscription(() => Incident, {
    description: 'Incidents as they are added, one event each, by reportIncident or importIncidents.',
    subscribe: ({ context: ctx }: Subscribe) =>
      audited(
        ctx,
        'incidentReported',
        feed(ctx.pubSub.subscribe('incidents'), async ({ ids }) => {
          const found = await ctx.em.fork().find(Incident, { id: { $in: ids } });
          const byId = new Map(found.map((i) => [i.id, i]));
          return ids.flatMap((id) => byId.get(id) ?? []);
        }),
      ),
  })
  incidentReported(@Root() incident: Incident): Incident {
    return incident;
  }
}
