/**
 * A lead's engagement as a bounded tally: counts by type and the distinct
 * download titles the scorer reads. A lead flooded with clicks keeps a state
 * of the same size as a quiet one, and scores exactly as it would from the
 * full list of events.
 */
import type { EngagementEvent } from './schemas';

export type EngagementType = EngagementEvent['type'];

export interface EngagementTally {
  counts: Partial<Record<EngagementType, number>>;
  /** Distinct download titles, first seen first; only a topical one changes a score. */
  downloads: string[];
}

/** Enough titles to find a topical download among generic ones; more only repeats the count. */
export const MAX_DOWNLOAD_TITLES = 50;

export function emptyTally(): EngagementTally {
  return { counts: {}, downloads: [] };
}

/** The tally with one more event; the input is left as it was. */
export function addEngagement(tally: EngagementTally, event: Pick<EngagementEvent, 'type' | 'detail'>): EngagementTally {
  const counts = { ...tally.counts, [event.type]: (tally.counts[event.type] ?? 0) + 1 };
  const title = event.type === 'downloaded' ? (event.detail ?? '') : null;
  const keep = title !== null && tally.downloads.length < MAX_DOWNLOAD_TITLES && !tally.downloads.includes(title);
  return { counts, downloads: keep ? [...tally.downloads, title] : tally.downloads };
}

export function tallyEngagements(events: readonly Pick<EngagementEvent, 'type' | 'detail'>[]): EngagementTally {
  return events.reduce(addEngagement, emptyTally());
}

export function engagementCount(tally: EngagementTally | undefined, type: EngagementType): number {
  return tally?.counts[type] ?? 0;
}
