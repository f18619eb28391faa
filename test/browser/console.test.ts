/**
 * The console in a real browser against the real stack: a rep works a lead from
 * the queue to qualified, another rep is kept out of it, a manager filters,
 * reads the funnel, simulates and publishes a rule change that the next lead
 * picks up, and signing in and out behaves. Each page is captured into
 * docs/screenshots for the README.
 */
import type { Page } from 'playwright-core';
import { createUser } from '../../db/users';
import { eventually } from '../support/db';
import { createConsoleHarness, emailOf, MANAGER_EMAIL, PASSWORD, repOf, screenshot, signIn, type ConsoleHarness } from './console-harness';

let h: ConsoleHarness;
/** Monitoring leads route to solution specialists under the shipped rules (and to IAM once the test publishes its change). */
const OWNER = repOf('solution_specialist');
let qualifiedLeadId = '';

beforeAll(async () => {
  h = await createConsoleHarness();
  // A lead already decided before anyone signs in: something for the funnel and the simulation.
  const first = await h.postLead();
  await h.leadUntil(first.leadId, (v) => v.owner === OWNER && v.stage === 'awaiting_discovery');
}, 120_000);

afterAll(() => h?.close());

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`);

/** The error shown inside the field wrapper of a control. */
const errorAt = (page: Page, name: string) => page.locator('.field', { has: page.locator(`[name="${name}"]`) }).locator('[data-field-error]');

describe('signing in', () => {
  it('refuses a wrong password without saying whether the email exists', async () => {
    const page = await h.person();
    const response = await page.goto('/app/');
    const policy = response!.headers()['content-security-policy'];
    expect(policy).toContain("script-src 'self'");
    // Served over plain HTTP here: the page must not ask for its own scripts over HTTPS.
    expect(policy).not.toContain('upgrade-insecure-requests');
    await screenshot(page, '01-sign-in');
    await signIn(page, emailOf(OWNER), 'not the right password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const known = await alert.textContent();
    await signIn(page, 'nobody@leadgate.example', 'not the right password');
    await page.getByRole('alert').waitFor();
    const unknown = await page.getByRole('alert').textContent();
    expect(known).toBe('The email or password is not right.');
    expect(unknown).toBe(known);
    await screenshot(page, '02-sign-in-refused');
  });
});

describe('a rep', () => {
  it('sees a new lead arrive, gets the missing field pointed out, fixes it and sees the lead qualified with its handoff checklist', async () => {
    const page = await h.person();
    await signIn(page, emailOf(OWNER));
    await page.getByRole('heading', { name: 'My queue' }).waitFor();

    const { leadId, intake } = await h.postLead();
    qualifiedLeadId = leadId;
    // The queue refreshes itself; the new lead shows up without a reload.
    const row = page.locator(`tr[data-lead-id="${leadId}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.textContent()).toContain(intake.companyName);
    await screenshot(page, '03-rep-queue');

    await row.getByRole('link', { name: intake.companyName }).click();
    await page.getByRole('heading', { name: intake.companyName }).waitFor();
    await page.getByText(intake.contact.email).waitFor();
    await screenshot(page, '04-lead-page');

    // Everything but the triggering event.
    await field(page, 'needConfirmed').selectOption('yes');
    await field(page, 'painIdentified').fill('Phishing incident went unnoticed for three days');
    await field(page, 'economicBuyer.name').fill('Sam Ortiz');
    await field(page, 'economicBuyer.title').fill('CFO');
    await field(page, 'decisionCriteria').fill('Okta and AWS log coverage\n24x7 triage');
    await field(page, 'decisionProcess').fill('CISO recommends, CFO signs, procurement runs a two-week security review');
    await field(page, 'timeline.targetDate').fill('2027-02-01');
    await field(page, 'timeline.description').fill('Live before the SOC 2 audit window');
    await field(page, 'nextMeeting.at').fill('2027-01-10T15:00');
    await field(page, 'nextMeeting.type').selectOption('technical_review');
    await field(page, 'contacts.0.name').fill('Priya Raman');
    await field(page, 'contacts.0.title').fill('Security Architect');
    await field(page, 'contacts.0.role').selectOption('technical_gate');
    await page.getByLabel('Scope was covered on this call').check();
    await field(page, 'scope.logAccess').selectOption('yes');
    await field(page, 'scope.onboardingTeamAvailable').selectOption('yes');
    const integrations = page.locator('fieldset', { has: page.locator('legend', { hasText: 'Integrations' }) });
    for (const name of ['siem', 'cloud', 'iam']) await integrations.getByLabel(name, { exact: true }).check();
    await field(page, 'scope.environments').fill('AWS prod\nOkta');
    await page.getByLabel('Commercials were covered on this call').check();
    await field(page, 'commercial.activePlan').selectOption('budget_cycle');
    await field(page, 'commercial.procurement.path').fill('Security review then MSA');
    await field(page, 'commercial.procurement.timeline').fill('Four weeks');
    await field(page, 'commercial.stakeholders.0.name').fill('Sam Ortiz');
    await field(page, 'commercial.stakeholders.0.title').fill('CFO');

    await page.getByRole('button', { name: 'Submit discovery' }).click();
    await errorAt(page, 'triggeringEvent').waitFor();
    expect(await field(page, 'triggeringEvent').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('[data-form="discovery"] [role="alert"]').textContent()).toMatch(/1 field needs attention/);
    await errorAt(page, 'triggeringEvent').scrollIntoViewIfNeeded();
    await screenshot(page, '05-discovery-field-error');

    await field(page, 'triggeringEvent').fill('Detection gaps found after a phishing incident last month; SIEM only ingests firewall logs.');
    await page.getByRole('button', { name: 'Submit discovery' }).click();
    const handoff = page.getByTestId('handoff');
    await handoff.waitFor();
    expect(await page.getByTestId('outcome').textContent()).toMatch(/qualified/);
    expect(await handoff.textContent()).toMatch(/Priya Raman/);
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot(page, '06-lead-qualified');

    const view = await h.leadUntil(leadId, (v) => v.stage === 'outcome');
    expect(view.outcome?.status).toBe('qualified');
  });

  it('cannot open a lead another rep owns, which reads as no such lead', async () => {
    const page = await h.person();
    await signIn(page, emailOf(repOf('iam')));
    await page.getByRole('heading', { name: 'My queue' }).waitFor();
    await page.goto(`/app/leads/${qualifiedLeadId}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    // Another rep's lead reads exactly like a missing one: a rep learns nothing about leads that are not theirs.
    expect(await alert.textContent()).toMatch(/There is no such lead/);
    expect(await page.getByTestId('handoff').count()).toBe(0);
    await screenshot(page, '07-other-rep-refused');
  });

  it('works at 390 px wide', async () => {
    const page = await h.person(390);
    await signIn(page, emailOf(OWNER));
    await page.getByRole('heading', { name: 'My queue' }).waitFor();
    await page.locator('tr[data-lead-id]').first().waitFor();
    // Evaluated in the page (the test files have no DOM types).
    const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, '08-queue-390px');
    await page.locator('tr[data-lead-id] a').first().click();
    await page.getByRole('heading', { name: 'Discovery call' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, '09-lead-390px');
  });

  it('signs in with the keyboard alone (focus visible on each field), signs out, and the session is over', async () => {
    const page = await h.person();
    await page.goto('/app/');
    await page.getByRole('heading', { name: 'Sign in to LeadGate' }).waitFor();
    const focusRing = () => page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle + " " + document.activeElement.name');
    await page.keyboard.press('Tab');
    expect(await focusRing()).toBe('solid email');
    await page.keyboard.type(emailOf(OWNER));
    await page.keyboard.press('Tab');
    expect(await focusRing()).toBe('solid password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'My queue' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to LeadGate' }).waitFor();
    expect((await page.request.get('/v1/session')).status()).toBe(401);
    await page.goto('/app/queue');
    await page.getByRole('heading', { name: 'Sign in to LeadGate' }).waitFor();
  });
});

describe('a manager', () => {
  let page: Page;
  beforeAll(async () => {
    page = await h.person();
    await signIn(page, MANAGER_EMAIL);
    await page.getByRole('heading', { name: 'All leads' }).waitFor();
  });

  it('filters the list of all leads', async () => {
    await field(page, 'outcome').selectOption('qualified');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const rows = page.getByTestId('leads').locator('tbody tr');
    expect(await eventually(() => rows.count(), (n) => n === 1)).toBe(1);
    expect(await rows.first().textContent()).toMatch(/qualified/);
    await screenshot(page, '10-manager-leads-filtered');
    await field(page, 'outcome').selectOption('');
    await field(page, 'team').selectOption('solution_specialist');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(await eventually(() => rows.count(), (n) => n >= 2)).toBeGreaterThanOrEqual(2);
  });

  it('reads the funnel and the team load', async () => {
    await page.getByRole('link', { name: 'Funnel' }).click();
    const kpis = page.getByTestId('kpis');
    await kpis.waitFor();
    expect(await kpis.textContent()).toMatch(/Leads\s*[1-9]/);
    expect(await kpis.textContent()).toMatch(/SQL → qualified\s*100%/);
    await page.locator('.recharts-surface').first().waitFor();
    await screenshot(page, '11-manager-funnel');
    await page.getByRole('link', { name: 'Team load' }).click();
    const load = page.getByTestId('team-load');
    await load.waitFor();
    expect(await load.textContent()).toContain(OWNER);
    await screenshot(page, '12-manager-team-load');
    await page.getByRole('link', { name: 'People' }).click();
    await page.getByTestId('logins').getByRole('cell', { name: MANAGER_EMAIL, exact: true }).waitFor();
    await screenshot(page, '13-manager-people');
  });

  it('adds a login, whose password is shown once and works', async () => {
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Add login' }) });
    await form.getByRole('button', { name: 'Add login' }).click();
    await form.locator('[data-field-error]').first().waitFor();
    expect(await form.locator('[name="email"]').getAttribute('aria-invalid')).toBe('true');
    await form.locator('[name="email"]').fill('pat.new@leadgate.example');
    await form.locator('[name="name"]').fill('Pat New');
    await form.locator('[name="repId"]').selectOption(repOf('iam'));
    await form.getByRole('button', { name: 'Add login' }).click();
    const shown = page.getByTestId('new-password');
    await shown.waitFor();
    await page.getByTestId('logins').getByRole('cell', { name: 'pat.new@leadgate.example', exact: true }).waitFor();
    await screenshot(page, '13b-manager-login-added');
    const password = (await shown.locator('code').textContent())!;
    const newcomer = await h.person();
    await signIn(newcomer, 'pat.new@leadgate.example', password);
    await newcomer.getByRole('heading', { name: 'My queue' }).waitFor();
  });

  it('sees validation errors by path, simulates a rule change, publishes it, and the next lead carries the new version', async () => {
    await page.getByRole('link', { name: 'Rules' }).click();
    const editor = page.getByLabel(/Ruleset \(JSON\)/);
    await page.getByTestId('active-version').filter({ hasText: 'browser-base' }).waitFor();
    const active = JSON.parse(await editor.inputValue()) as { version: string; sla: Record<string, unknown>; routing: { rules: Array<{ id: string; team: string }> } };

    await editor.fill(JSON.stringify({ ...active, sla: { ...active.sla, urgent: 'soon' } }, null, 2));
    await page.getByRole('button', { name: 'Simulate' }).click();
    const errors = page.getByTestId('rule-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toContain('ruleset.sla.urgent');

    // Monitoring and vulnerability leads go to IAM instead of the solution specialists.
    const changed = {
      ...active,
      version: 'browser-published',
      routing: { ...active.routing, rules: active.routing.rules.map((r) => (r.id === 'specific_topic' ? { ...r, team: 'iam' } : r)) },
    };
    await editor.fill(JSON.stringify(changed, null, 2));
    await page.getByRole('button', { name: 'Simulate' }).click();
    const table = page.getByTestId('simulation');
    await table.waitFor();
    await page.getByText(/solution specialist → iam/).first().waitFor();
    await screenshot(page, '14-manager-rules-simulation');

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByTestId('active-version').filter({ hasText: 'browser-published+' }).waitFor();
    await screenshot(page, '15-manager-rules-published');

    const { leadId, intake } = await h.postLead();
    const view = await h.leadUntil(leadId, (v) => v.stage === 'awaiting_discovery');
    expect(view.owner).toBe(repOf('iam'));
    await page.goto(`/app/leads/${leadId}`);
    await page.getByRole('heading', { name: intake.companyName }).waitFor();
    expect(await page.getByTestId('ruleset-version').textContent()).toMatch(/^browser-published\+/);
    await screenshot(page, '16-lead-new-ruleset');
    // The lead decided earlier keeps the version that decided it.
    expect((await h.leadUntil(qualifiedLeadId, () => true)).rulesetVersion).toMatch(/^browser-base\+/);
  });
});

describe('a closed lead', () => {
  it('shows its owner no way to reopen it; a manager reopens it from its page with a note, and the new cycle is routed', async () => {
    const { leadId } = await h.postLead();
    const routed = await h.leadUntil(leadId, (v) => v.stage === 'awaiting_discovery' && v.owner !== null);
    const closed = await fetch(`${h.url}/v1/leads/${leadId}/disqualify`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.keys.manager}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'timing_later', note: 'Budget frozen until the next fiscal year; revisit the SIEM migration then' }),
    });
    expect(closed.status).toBe(200);

    const rep = await h.person();
    await signIn(rep, emailOf(routed.owner!));
    await rep.getByRole('heading', { name: 'My queue' }).waitFor();
    await rep.goto(`/app/leads/${leadId}`);
    await rep.getByText('This lead is closed').waitFor();
    expect(await rep.locator('[data-form="reopen"]').count()).toBe(0);

    const page = await h.person();
    await signIn(page, MANAGER_EMAIL);
    await page.getByRole('heading', { name: 'All leads' }).waitFor();
    await page.goto(`/app/leads/${leadId}`);
    await field(page, 'note').fill('Came back: ransomware incident on their file servers last night');
    await screenshot(page, '17-manager-reopen');
    await page.getByRole('button', { name: 'Reopen lead' }).click();
    // The page reads the lead again and keeps refreshing: the new cycle arrives routed, with the owner's forms.
    await page.locator('[data-form="discovery"]').waitFor({ timeout: 30_000 });
    await page.locator('.timeline').getByText('reopened', { exact: true }).waitFor();
    expect(await page.locator('[data-form="reopen"]').count()).toBe(0);

    const view = await h.leadUntil(leadId, (v) => v.stage === 'awaiting_discovery' && v.cycle === 1);
    expect(view.events.filter((e) => e.type === 'reopened')).toHaveLength(1);
  });
});

describe('a rep with a long queue', () => {
  const REP = 'br-load';
  const LEADS = 200;

  beforeAll(async () => {
    // Rendering is what is looked at here, so the 200 leads are read-model rows written directly, not 200 workflows.
    // No spare capacity: live leads go to the team's other rep, who has room, so the queue holds exactly these rows.
    await h.pool.query("INSERT INTO reps (rep_id, name, team, capacity, is_team_lead) VALUES ($1, 'Load Rep', 'iam', 0, false)", [REP]);
    await createUser(h.pool, { email: emailOf(REP), name: 'Load Rep', role: 'rep', repId: REP, password: PASSWORD, createdBy: 'test' }, 4);
    await h.pool.query(
      `INSERT INTO leads (lead_id, contact_email, company_domain, company_name, source, primary_interest, intake, stage, lifecycle, team, owner_rep_id,
                          sla_due_at, score_total, route, ruleset_version)
       SELECT 'lead_load_' || lpad(i::text, 4, '0'), 'buyer@load' || i || '.example', 'load' || i || '.example', 'Load Co ' || i, 'inbound_form', 'iam',
              '{}'::jsonb, 'awaiting_discovery', 'mql', 'iam', $1, now() + make_interval(mins => i), 50 + i % 40,
              jsonb_build_object('urgency', (ARRAY['urgent', 'high', 'standard'])[1 + i % 3]), 'browser-base'
       FROM generate_series(1, $2::int) AS i`,
      [REP, LEADS],
    );
  });

  it('shows all of them, soonest SLA first', async () => {
    const page = await h.person();
    await page.goto('/app/');
    await page.getByLabel('Email').fill(emailOf(REP));
    await page.getByLabel('Password').fill(PASSWORD);
    const started = Date.now();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('tr[data-lead-id]').nth(LEADS - 1).waitFor({ timeout: 30_000 });
    const elapsed = Date.now() - started;
    expect(await page.locator('tr[data-lead-id]').count()).toBe(LEADS);
    const order = await page.locator('tr[data-lead-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-lead-id')));
    expect(order.slice(0, 3)).toEqual(['lead_load_0001', 'lead_load_0002', 'lead_load_0003']);
    expect(order[LEADS - 1]).toBe(`lead_load_${String(LEADS).padStart(4, '0')}`);
    // A measurement for the README, not an assertion: speed goals live in the benchmark.
    process.stdout.write(`console: sign-in to a rendered queue of ${LEADS} leads took ${elapsed} ms\n`);
  });
});
