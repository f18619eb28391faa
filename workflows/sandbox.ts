/**
 * Settings of the workflow sandbox, preloaded once per worker thread: the SDK
 * runs preloaded modules before it freezes the sandbox's globals, so what is
 * set here holds for every lead, and nothing else can change it later.
 *
 * Stack depth. Where workflow stack traces are on (tests; a production worker
 * with LEADGATE_WORKFLOW_STACK_TRACES=on, see worker/workflow-threads.ts), the SDK
 * records and source-maps a stack for every promise a lead creates; at V8's
 * default of 10 frames that cost about 12% of a lead's replay CPU. The first two
 * frames are the SDK's promise hook, so 4 still name the workflow line a lead
 * waits on; errors thrown in workflow code carry 4 frames as well.
 */
export const WORKFLOW_STACK_FRAMES = 4;

Error.stackTraceLimit = WORKFLOW_STACK_FRAMES;
