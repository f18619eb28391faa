/** Bundles the workflows ahead of time so production workers start without webpack. */
import { writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { projectRoot } from '../platform/project-root';
import { leadBundleOptions } from '../worker/workflow-bundle';

async function main(): Promise<void> {
  const out = path.join(projectRoot(), 'dist', 'workflow-bundle.js');
  const { code } = await bundleWorkflowCode(leadBundleOptions());
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(`Workflow bundle written to ${path.relative(projectRoot(), out)} (${Math.round(code.length / 1024)} KiB)`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
