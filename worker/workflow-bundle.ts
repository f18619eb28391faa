import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { projectRoot } from '../platform/project-root';

/** How the lead workflows are bundled: the same for the production prebuild, tests and the benchmark. */
export function leadBundleOptions(): Pick<BundleOptions, 'workflowsPath'> {
  return { workflowsPath: path.join(projectRoot(), 'workflows', 'index.ts') };
}
