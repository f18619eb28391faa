/**
 * The one change the benchmark makes to the dev server. `temporal server
 * start-dev` runs a single history shard, and each shard reads its transfer
 * queue (new workflow and activity tasks) and its timer queue at most 20 times
 * a second (history.transferProcessorMaxPollRPS / timerProcessorMaxPollRPS).
 * With one shard that per-shard limit becomes the whole server's: every task
 * handoff waits for the next of 20 reads a second, ~45 ms each, three per bare
 * workflow — the ~150 ms floor `npx tsx bench/floor.ts` shows. A production
 * server spreads leads over hundreds of shards and never meets that limit, so
 * the benchmark lifts it (`--stock-dev-server` keeps it).
 */
export const benchDevServerConfig = ['history.transferProcessorMaxPollRPS=10000', 'history.timerProcessorMaxPollRPS=10000'];
