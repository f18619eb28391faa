/**
 * The lead workflow bundle for tests. Kept apart from the rest of the test
 * support so the integration setup can build it without loading the domain:
 * zod keeps its config on `globalThis`, jest copies the setup process's globals
 * into every test file's, and zod's messages would then name the types of that
 * realm (a test's `{}` would read "received Object").
 */
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { leadBundleOptions } from '../../worker/workflow-bundle';

/** Where the integration setup leaves the one bundle every test file of the run shares. */
export const SHARED_BUNDLE_ENV = 'LEADGATE_TEST_WORKFLOW_BUNDLE';

/** Webpacks the lead workflows (a few seconds: the slow part of starting a worker). */
export function buildLeadBundle(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ ...leadBundleOptions(), logger: new DefaultLogger('WARN') });
}
