// The workflow bundle's entry point: every workflow type the worker registers.
export { leadQualificationWorkflow, leadQualificationWorkflowV2, leadQualificationWorkflowV3, leadQualificationWorkflowV4, leadQualificationWorkflowV5, leadQualificationWorkflowV6, leadQualificationWorkflowV7 } from './lead-qualification';
