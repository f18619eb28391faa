/**
 * The delivery handoff for a qualified lead: confirmed scope, environments,
 * access needs, stakeholders and timeline, so proposal work starts from facts.
 */
import { statedTimeline } from './evaluate';
import type { CommercialFindings, Discovery, HandoffChecklist, LeadIntake, ScopeFindings } from './schemas';

const LOG_ACCESS: Record<ScopeFindings['logAccess'], string> = {
  yes: 'Log and telemetry access confirmed',
  partial: 'Partial log and telemetry access: confirm sources before kickoff',
  no: 'No log or telemetry access',
  unknown: 'Log and telemetry access still to confirm',
};

function environmentsOf(intake: LeadIntake, d: Discovery, scope?: ScopeFindings): string[] {
  const env = intake.environment;
  const all = [
    ...(scope?.environments ?? []),
    ...(d.urgentEnvironments ?? []),
    ...(env?.cloud ?? []).map((c) => `cloud: ${c}`),
    ...(env?.identityProvider ? [`identity provider: ${env.identityProvider}`] : []),
    ...(env?.endpoints !== undefined ? [`${env.endpoints} endpoints`] : []),
  ];
  return [...new Set(all)];
}

function accessNeedsOf(scope?: ScopeFindings): string[] {
  if (!scope) return ['Scope check not recorded: confirm logs, data handling, integrations and onboarding team'];
  return [
    LOG_ACCESS[scope.logAccess],
    ...(scope.dataHandlingConstraints ? [`Data handling: ${scope.dataHandlingConstraints}`] : []),
    ...(scope.integrations ?? []).map((i) => `Integration: ${i}`),
    `Onboarding team available: ${scope.onboardingTeamAvailable}`,
  ];
}

function stakeholdersOf(intake: LeadIntake, d: Discovery, commercial?: CommercialFindings): HandoffChecklist['stakeholders'] {
  const list = [
    { name: intake.contact.name, title: intake.contact.title, role: 'first_contact' },
    ...(d.economicBuyer ? [{ ...d.economicBuyer, role: 'economic_buyer' }] : []),
    ...(d.approvers ?? []).map((p) => ({ ...p, role: 'approver' })),
    ...(d.contacts ?? []).map((p) => ({ name: p.name, title: p.title, role: p.role })),
    ...(commercial?.stakeholders ?? []).map((p) => ({ ...p, role: 'commercial_review' })),
  ];
  const seen = new Set<string>();
  return list.filter((p) => (seen.has(p.name.toLowerCase()) ? false : (seen.add(p.name.toLowerCase()), true)));
}

export function handoffChecklist(intake: LeadIntake, discovery: Discovery, scope?: ScopeFindings, commercial?: CommercialFindings): HandoffChecklist {
  const scopeItems = [
    `Need: ${discovery.triggeringEvent}`,
    ...(discovery.painIdentified ? [`Pain: ${discovery.painIdentified}`] : []),
    ...(discovery.desiredOutcome ? [`Desired outcome: ${discovery.desiredOutcome}`] : []),
    ...(discovery.gaps ? [`Gaps: ${discovery.gaps}`] : []),
    ...(discovery.decisionCriteria ?? []).map((c) => `Decision criterion: ${c}`),
  ];
  const timeline = [
    statedTimeline(discovery, intake),
    discovery.nextMeeting ? `next: ${discovery.nextMeeting.type} at ${discovery.nextMeeting.at}` : undefined,
    commercial?.procurement?.timeline ? `procurement: ${commercial.procurement.timeline}` : undefined,
  ].filter(Boolean);
  return {
    scope: scopeItems,
    environments: environmentsOf(intake, discovery, scope),
    accessNeeds: accessNeedsOf(scope),
    stakeholders: stakeholdersOf(intake, discovery, commercial),
    timeline: timeline.join('; ') || 'not stated',
  };
}
