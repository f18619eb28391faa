import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../platform/data-converter';
import { projectRoot } from '../platform/project-root';

/** How the lead workflows are bundled: the same for the production prebuild, tests and the benchmark. */
export function leadBundleOptions(): Pick<BundleOptions, 'workflowsPath' | 'failureConverterPath'> {
  // The sandbox builds failures itself, so the failure converter that encodes messages and stacks is bundled in.
  return { workflowsPath: path.join(projectRoot(), 'workflows', 'index.ts'), failureConverterPath: FAILURE_CONVERTER_PATH };
}
