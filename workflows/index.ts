// The workflow bundle's entry point: every workflow type the worker registers.
export { leadQualificationWorkflow, leadQualificationWorkflowV2 } from './lead-qualification';
