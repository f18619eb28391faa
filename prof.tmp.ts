import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { leadBundleOptions } from './worker/workflow-bundle';
(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const bundle = await bundleWorkflowCode({ ...leadBundleOptions(), logger: new DefaultLogger('WARN') });
  const dir = 'test/histories';
  const files = readdirSync(dir).filter((f) => f.startsWith('qualified') || f.startsWith('urgent'));
  const hs = files.map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
  const list = Array.from({ length: 200 }, (_, i) => ({ workflowId: `w${i}`, history: hs[i % hs.length] }));
  const t = process.cpuUsage();
  let n = 0;
  for await (const r of Worker.runReplayHistories({ workflowBundle: bundle, debugMode: true }, list)) { if (r.error) console.log(r.error.message); n++; }
  const u = process.cpuUsage(t);
  console.log('per workflow ms', ((u.user + u.system) / 1000 / n).toFixed(2));
})();
