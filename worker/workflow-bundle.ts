import path from 'node:path';
import type { BundleOptions } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH, PAYLOAD_CONVERTER_PATH } from '../platform/data-converter';
import { projectRoot } from '../platform/project-root';

/**
 * How the lead workflows are bundled: the same for the production prebuild,
 * tests and the benchmark. The SDK evaluates a bundle's modules afresh for every
 * workflow it creates or replays, except preloaded ones, which every workflow
 * shares deep-frozen: the domain core is pure and stateless, so each lead pays
 * for its own workflow code only; the sandbox settings go first, before the
 * SDK freezes the sandbox. The sandbox converts payloads and builds failures
 * itself, so the payload converter and the failure converter that encodes
 * messages and stacks are bundled in.
 */
export function leadBundleOptions(): Pick<BundleOptions, 'workflowsPath' | 'preloadModules' | 'payloadConverterPath' | 'failureConverterPath'> {
  return {
    workflowsPath: path.join(projectRoot(), 'workflows', 'index.ts'),
    preloadModules: [path.join(projectRoot(), 'workflows', 'sandbox'), path.join(projectRoot(), 'domain', 'core')],
    payloadConverterPath: PAYLOAD_CONVERTER_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}
