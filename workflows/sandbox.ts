/**
 * Settings of the workflow sandbox, preloaded once per worker thread: the SDK
 * runs preloaded modules before it freezes the sandbox's globals, so what is
 * set here holds for every lead, and nothing else can change it later.
 *
 * Stack depth. The SDK records a stack for every promise a workflow creates
 * (for the `__stack_trace` query) and maps each frame through the bundle's
 * source map; at V8's default of 10 frames that was about a quarter of a lead's
 * CPU in the worker (bench/README.md, "Where a lead's CPU goes"). The first
 * two frames are the SDK's promise hook, so 4 still name the workflow line a
 * lead waits on and where a workflow error was thrown.
 */
export const WORKFLOW_STACK_FRAMES = 4;

Error.stackTraceLimit = WORKFLOW_STACK_FRAMES;
