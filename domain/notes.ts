/**
 * CRM notes must help the next call or the delivery handoff (reference:
 * "Using vague criteria in CRM notes"). A note is vague when, once the stock
 * phrases and filler words are removed, too little specific content is left.
 */

const MIN_LENGTH = 25;
const MIN_SPECIFIC_WORDS = 4;

// Stock phrases that say nothing about the need, the scope or the next step.
const STOCK_PHRASES = [
  'good fit', 'great fit', 'bad fit', 'not a fit', 'no fit', 'poor fit', 'looks good', 'looks promising', 'seems interested',
  'very interested', 'not interested', 'interested', 'hot lead', 'warm lead', 'cold lead', 'follow up', 'follow-up', 'will follow up',
  'circle back', 'touch base', 'check in', 'call later', 'no response', 'n/a', 'tbd', 'todo', 'see above', 'as discussed', 'promising',
  'qualified', 'unqualified', 'nurture', 'lead', 'prospect', 'ok', 'fine', 'good', 'great', 'nice', 'maybe', 'later',
];

const FILLER_WORDS = new Set([
  'a', 'an', 'the', 'and', 'or', 'but', 'is', 'are', 'was', 'were', 'be', 'to', 'of', 'for', 'in', 'on', 'at', 'with', 'it', 'this',
  'that', 'they', 'them', 'he', 'she', 'we', 'i', 'very', 'really', 'just', 'so', 'some', 'seems', 'seem', 'looks', 'look', 'maybe',
  'probably', 'quite', 'pretty', 'lead', 'prospect', 'customer', 'company', 'contact', 'them.', 'thing', 'stuff', 'etc', 'not', 'no',
]);

const STOCK_PATTERN = new RegExp(
  `(?:^|\\W)(?:${STOCK_PHRASES.map((p) => p.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|')})(?=\\W|$)`,
  'gi',
);

export function isVagueNote(note: string): boolean {
  const trimmed = note.trim();
  if (trimmed.length < MIN_LENGTH) return true;
  const specificWords = trimmed
    .toLowerCase()
    .replace(STOCK_PATTERN, ' ')
    .split(/[^a-z0-9-]+/)
    .filter((w) => w.length > 1 && !FILLER_WORDS.has(w));
  return specificWords.length < MIN_SPECIFIC_WORDS;
}
