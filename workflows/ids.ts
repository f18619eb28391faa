/** The one task queue lead workflows and their activities run on. */
export const LEAD_TASK_QUEUE = 'lead-qualification';

/**
 * A lead's workflow id is its lead id (derived from the normalised contact email
 * and company domain), so a duplicate start can never fork a second workflow.
 */
export function leadWorkflowId(leadId: string): string {
  return leadId;
}
