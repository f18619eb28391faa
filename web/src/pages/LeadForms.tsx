/**
 * What a rep does to a lead, as forms. Nothing is checked here that the server
 * checks: each form sends what was filled in, and the server's problem+json
 * field errors are shown next to the fields they name.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { actionRefusal, type LeadActionName } from '../../../domain/actions';
import { api, ApiError } from '../api';
import type { LeadView, SessionUser } from '../types';
import { messageOf, Notice, SelectField, TextField, words } from '../ui';

const ENVIRONMENTS = ['endpoints', 'cloud', 'identity', 'logs', 'network', 'email', 'other'] as const;
const INTEGRATIONS = ['siem', 'edr', 'iam', 'ticketing', 'cloud'] as const;
const CONTACT_ROLES = ['security_owner', 'technical_gate', 'business_approval', 'procurement', 'executive_sponsor'] as const;
const MEETING_TYPES = ['technical_review', 'assessment', 'pilot_outline', 'stakeholder_meeting', 'scoping_workshop'] as const;
const LOG_ACCESS = ['yes', 'partial', 'no', 'unknown'] as const;
const TEAM_AVAILABLE = ['yes', 'no', 'unknown'] as const;
const ACTIVE_PLANS = ['approved_budget', 'budget_cycle', 'pilot', 'none', 'unknown'] as const;
const DISQUALIFY_REASONS = [
  'no_budget_path', 'no_decision_access', 'unresponsive', 'timing_later', 'competitor', 'vendor_pitch', 'student_or_job_seeker',
  'out_of_territory', 'scope_mismatch', 'no_relevant_issue', 'no_buying_intent', 'duplicate',
] as const;
const ENGAGEMENTS = ['replied', 'booked_meeting', 'attended_meeting', 'requested_technical_call', 'downloaded', 'page_view', 'newsletter_click'] as const;

// ---- building bodies: leave out what was not filled in ---------------------------------

const text = (v: string) => (v.trim() === '' ? undefined : v.trim());
const lines = (v: string) => {
  const items = v.split('\n').map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
};
const some = <T,>(items: T[]) => (items.length ? items : undefined);
/** Drops undefined members, and the object itself when nothing is left. */
function compact<T extends Record<string, unknown>>(o: T): T | undefined {
  const kept = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return Object.keys(kept).length ? (kept as T) : undefined;
}
const yesNo = (v: string) => (v === 'yes' ? true : v === 'no' ? false : undefined);
const isoFromLocal = (v: string) => (v ? new Date(v).toISOString() : undefined);

// ---- submitting ---------------------------------------------------------------------

type Errors = Record<string, string>;

function useAction(path: string, onView: (v: LeadView) => void) {
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: string, body: unknown, done: string): Promise<boolean> => {
    setBusy(true);
    setMessage(null);
    try {
      const result = await api<LeadView | { status: string }>('POST', `${path}/${action}`, body);
      setErrors({});
      if ('stage' in result) onView(result);
      setMessage({ kind: 'ok', text: done });
      return true;
    } catch (err) {
      const fields = err instanceof ApiError ? err.fields() : {};
      setErrors(fields);
      const count = Object.keys(fields).length;
      setMessage({ kind: 'error', text: count ? `${messageOf(err)} ${count} field${count === 1 ? ' needs' : 's need'} attention below.` : messageOf(err) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  /** The error for a field, or for anything inside it (`contacts` shows `contacts.0.role`). */
  const at = (field: string): string | undefined => errors[field] ?? Object.entries(errors).find(([k]) => k.startsWith(`${field}.`))?.[1];
  return { run, at, message, busy };
}

function ActionForm({ title, id, onSubmit, busy, message, submitLabel, children }: { title: string; id: string; onSubmit: () => void; busy: boolean; message: { kind: 'error' | 'ok'; text: string } | null; submitLabel: string; children: ReactNode }) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <form onSubmit={submit} noValidate data-form={id}>
        {message && <Notice kind={message.kind}>{message.text}</Notice>}
        {children}
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : submitLabel}
        </button>
      </form>
    </section>
  );
}

function Checks({ label, options, value, onChange, error }: { label: string; options: readonly string[]; value: string[]; onChange: (v: string[]) => void; error?: string | undefined }) {
  return (
    <fieldset className={`checks${error ? ' field-invalid' : ''}`}>
      <legend>{label}</legend>
      {options.map((o) => (
        <label key={o} className="check">
          <input type="checkbox" checked={value.includes(o)} onChange={(e) => onChange(e.target.checked ? [...value, o] : value.filter((x) => x !== o))} /> {words(o)}
        </label>
      ))}
      {error && <p className="field-error" data-field-error>{error}</p>}
    </fieldset>
  );
}

interface Person {
  name: string;
  title: string;
  email: string;
  role: string;
}
const blankPerson = (): Person => ({ name: '', title: '', email: '', role: '' });

/** Rows of people; `withRole` adds email and role (discovery contacts). */
function People({ legend, rows, onChange, at, prefix, withRole }: { legend: string; rows: Person[]; onChange: (rows: Person[]) => void; at: (f: string) => string | undefined; prefix: string; withRole?: boolean }) {
  const set = (i: number, patch: Partial<Person>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset className="people">
      <legend>{legend}</legend>
      {rows.map((r, i) => (
        <div className="row" key={i}>
          <TextField label={`Name ${i + 1}`} name={`${prefix}.${i}.name`} value={r.name} onChange={(v) => set(i, { name: v })} error={at(`${prefix}.${i}.name`)} />
          <TextField label={`Title ${i + 1}`} name={`${prefix}.${i}.title`} value={r.title} onChange={(v) => set(i, { title: v })} error={at(`${prefix}.${i}.title`)} />
          {withRole && (
            <>
              <TextField label={`Email ${i + 1}`} name={`${prefix}.${i}.email`} type="email" value={r.email} onChange={(v) => set(i, { email: v })} error={at(`${prefix}.${i}.email`)} />
              <SelectField label={`Role ${i + 1}`} name={`${prefix}.${i}.role`} value={r.role} options={CONTACT_ROLES} blank="— choose —" onChange={(v) => set(i, { role: v })} error={at(`${prefix}.${i}.role`)} />
            </>
          )}
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => onChange([...rows, blankPerson()])}>
        Add another
      </button>
    </fieldset>
  );
}

const filledPeople = (rows: Person[], withRole = false) =>
  some(
    rows
      .filter((r) => r.name.trim() || r.title.trim() || r.email.trim() || r.role)
      .map((r) => (withRole ? compact({ name: r.name.trim(), title: r.title.trim(), email: text(r.email), role: r.role || undefined }) : { name: r.name.trim(), title: r.title.trim() })),
  );

// ---- scope and commercial (in discovery, or on their own) ---------------------------------

interface ScopeState {
  logAccess: string;
  onboardingTeamAvailable: string;
  integrations: string[];
  environments: string;
  dataHandlingConstraints: string;
  notes: string;
}
const blankScope = (): ScopeState => ({ logAccess: '', onboardingTeamAvailable: '', integrations: [], environments: '', dataHandlingConstraints: '', notes: '' });
const scopeBody = (s: ScopeState) =>
  compact({
    logAccess: s.logAccess || undefined,
    onboardingTeamAvailable: s.onboardingTeamAvailable || undefined,
    integrations: some(s.integrations),
    environments: lines(s.environments),
    dataHandlingConstraints: text(s.dataHandlingConstraints),
    notes: text(s.notes),
  }) ?? {};

function ScopeFields({ s, set, at, prefix }: { s: ScopeState; set: (s: ScopeState) => void; at: (f: string) => string | undefined; prefix: string }) {
  const p = (f: string) => `${prefix}${f}`;
  return (
    <>
      <SelectField label="Log access (required)" name={p('logAccess')} value={s.logAccess} options={LOG_ACCESS} blank="— choose —" onChange={(v) => set({ ...s, logAccess: v })} error={at(p('logAccess'))} />
      <SelectField label="Onboarding team available (required)" name={p('onboardingTeamAvailable')} value={s.onboardingTeamAvailable} options={TEAM_AVAILABLE} blank="— choose —" onChange={(v) => set({ ...s, onboardingTeamAvailable: v })} error={at(p('onboardingTeamAvailable'))} />
      <Checks label="Integrations" options={INTEGRATIONS} value={s.integrations} onChange={(v) => set({ ...s, integrations: v })} error={at(p('integrations'))} />
      <TextField label="Environments in scope (one per line)" name={p('environments')} multiline value={s.environments} onChange={(v) => set({ ...s, environments: v })} error={at(p('environments'))} />
      <TextField label="Data handling constraints" name={p('dataHandlingConstraints')} multiline value={s.dataHandlingConstraints} onChange={(v) => set({ ...s, dataHandlingConstraints: v })} error={at(p('dataHandlingConstraints'))} />
    </>
  );
}

interface CommercialState {
  activePlan: string;
  procurementPath: string;
  procurementTimeline: string;
  rfpDate: string;
  stakeholders: Person[];
  notes: string;
}
const blankCommercial = (): CommercialState => ({ activePlan: '', procurementPath: '', procurementTimeline: '', rfpDate: '', stakeholders: [blankPerson()], notes: '' });
const commercialBody = (c: CommercialState) =>
  compact({
    activePlan: c.activePlan || undefined,
    procurement: compact({ path: text(c.procurementPath), timeline: text(c.procurementTimeline), rfpDate: text(c.rfpDate) }),
    stakeholders: filledPeople(c.stakeholders),
    notes: text(c.notes),
  }) ?? {};

function CommercialFields({ c, set, at, prefix }: { c: CommercialState; set: (c: CommercialState) => void; at: (f: string) => string | undefined; prefix: string }) {
  const p = (f: string) => `${prefix}${f}`;
  return (
    <>
      <SelectField label="Active plan (required)" name={p('activePlan')} value={c.activePlan} options={ACTIVE_PLANS} blank="— choose —" onChange={(v) => set({ ...c, activePlan: v })} error={at(p('activePlan'))} />
      <TextField label="Procurement path" name={p('procurement.path')} value={c.procurementPath} onChange={(v) => set({ ...c, procurementPath: v })} error={at(p('procurement.path'))} />
      <TextField label="Procurement timeline" name={p('procurement.timeline')} value={c.procurementTimeline} onChange={(v) => set({ ...c, procurementTimeline: v })} error={at(p('procurement.timeline'))} />
      <TextField label="RFP date" name={p('procurement.rfpDate')} type="date" value={c.rfpDate} onChange={(v) => set({ ...c, rfpDate: v })} error={at(p('procurement.rfpDate'))} />
      <People legend="Commercial stakeholders" rows={c.stakeholders} onChange={(rows) => set({ ...c, stakeholders: rows })} at={at} prefix={p('stakeholders')} />
    </>
  );
}

// ---- the forms ------------------------------------------------------------------------

interface FormProps {
  path: string;
  onView: (v: LeadView) => void;
  /** Reads the lead again: for answers that carry no view (a reopen starts a new cycle). */
  reload: () => void;
}

function DiscoveryForm({ path, onView }: FormProps) {
  const { run, at, message, busy } = useAction(path, onView);
  const [d, setD] = useState({
    triggeringEvent: '', needConfirmed: '', painIdentified: '', currentControls: '', gaps: '', desiredOutcome: '',
    buyerName: '', buyerTitle: '', decisionCriteria: '', decisionProcess: '', targetDate: '', timelineDescription: '',
    meetingAt: '', meetingType: '', notes: '',
  });
  const [urgentEnvironments, setUrgent] = useState<string[]>([]);
  const [contacts, setContacts] = useState<Person[]>([blankPerson()]);
  const [withScope, setWithScope] = useState(false);
  const [scope, setScope] = useState(blankScope);
  const [withCommercial, setWithCommercial] = useState(false);
  const [commercial, setCommercial] = useState(blankCommercial);
  const f = (key: keyof typeof d) => ({ name: key as string, value: d[key], onChange: (v: string) => setD({ ...d, [key]: v }) });

  const submit = () => {
    const body = compact({
      triggeringEvent: text(d.triggeringEvent),
      needConfirmed: yesNo(d.needConfirmed),
      painIdentified: text(d.painIdentified),
      currentControls: text(d.currentControls),
      gaps: text(d.gaps),
      urgentEnvironments: some(urgentEnvironments),
      desiredOutcome: text(d.desiredOutcome),
      economicBuyer: d.buyerName || d.buyerTitle ? { name: d.buyerName.trim(), title: d.buyerTitle.trim() } : undefined,
      decisionCriteria: lines(d.decisionCriteria),
      decisionProcess: text(d.decisionProcess),
      timeline: compact({ targetDate: text(d.targetDate), description: text(d.timelineDescription) }),
      nextMeeting: d.meetingAt || d.meetingType ? compact({ at: isoFromLocal(d.meetingAt), type: d.meetingType || undefined }) : undefined,
      contacts: filledPeople(contacts, true),
      notes: text(d.notes),
      scope: withScope ? scopeBody(scope) : undefined,
      commercial: withCommercial ? commercialBody(commercial) : undefined,
    });
    void run('discovery', body ?? {}, 'Discovery recorded.');
  };

  return (
    <ActionForm title="Discovery call" id="discovery" onSubmit={submit} busy={busy} message={message} submitLabel="Submit discovery">
      <fieldset>
        <legend>Need</legend>
        <TextField label="Triggering event (required)" multiline {...f('triggeringEvent')} error={at('triggeringEvent')} hint="What happened that made them reach out now?" />
        <SelectField label="Need confirmed (required)" {...f('needConfirmed')} options={['yes', 'no']} blank="— choose —" error={at('needConfirmed')} />
        <TextField label="Pain identified" multiline {...f('painIdentified')} error={at('painIdentified')} />
        <TextField label="Current controls" {...f('currentControls')} error={at('currentControls')} />
        <TextField label="Gaps" {...f('gaps')} error={at('gaps')} />
        <Checks label="Urgent environments" options={ENVIRONMENTS} value={urgentEnvironments} onChange={setUrgent} error={at('urgentEnvironments')} />
        <TextField label="Desired outcome" {...f('desiredOutcome')} error={at('desiredOutcome')} />
      </fieldset>
      <fieldset>
        <legend>Decision</legend>
        <div className="row">
          <TextField label="Economic buyer name" name="economicBuyer.name" value={d.buyerName} onChange={(v) => setD({ ...d, buyerName: v })} error={at('economicBuyer.name') ?? at('economicBuyer')} />
          <TextField label="Economic buyer title" name="economicBuyer.title" value={d.buyerTitle} onChange={(v) => setD({ ...d, buyerTitle: v })} error={at('economicBuyer.title')} />
        </div>
        <TextField label="Decision criteria (one per line)" multiline {...f('decisionCriteria')} error={at('decisionCriteria')} />
        <TextField label="Decision process" multiline {...f('decisionProcess')} error={at('decisionProcess')} />
        <div className="row">
          <TextField label="Target date" type="date" name="timeline.targetDate" value={d.targetDate} onChange={(v) => setD({ ...d, targetDate: v })} error={at('timeline.targetDate')} />
          <TextField label="Timeline" name="timeline.description" value={d.timelineDescription} onChange={(v) => setD({ ...d, timelineDescription: v })} error={at('timeline.description')} />
        </div>
        <div className="row">
          <TextField label="Next meeting" type="datetime-local" name="nextMeeting.at" value={d.meetingAt} onChange={(v) => setD({ ...d, meetingAt: v })} error={at('nextMeeting.at') ?? at('nextMeeting')} />
          <SelectField label="Meeting type" name="nextMeeting.type" value={d.meetingType} options={MEETING_TYPES} blank="— choose —" onChange={(v) => setD({ ...d, meetingType: v })} error={at('nextMeeting.type')} />
        </div>
      </fieldset>
      <People legend="Contacts and their roles" rows={contacts} onChange={setContacts} at={at} prefix="contacts" withRole />
      <TextField label="Notes" multiline {...f('notes')} error={at('notes')} />
      <label className="check">
        <input type="checkbox" checked={withScope} onChange={(e) => setWithScope(e.target.checked)} /> Scope was covered on this call
      </label>
      {withScope && (
        <fieldset>
          <legend>Scope</legend>
          <ScopeFields s={scope} set={setScope} at={at} prefix="scope." />
        </fieldset>
      )}
      <label className="check">
        <input type="checkbox" checked={withCommercial} onChange={(e) => setWithCommercial(e.target.checked)} /> Commercials were covered on this call
      </label>
      {withCommercial && (
        <fieldset>
          <legend>Commercial</legend>
          <CommercialFields c={commercial} set={setCommercial} at={at} prefix="commercial." />
        </fieldset>
      )}
    </ActionForm>
  );
}

function ScopeForm({ path, onView }: FormProps) {
  const { run, at, message, busy } = useAction(path, onView);
  const [scope, setScope] = useState(blankScope);
  return (
    <ActionForm title="Scope findings" id="scope" onSubmit={() => void run('scope', scopeBody(scope), 'Scope recorded.')} busy={busy} message={message} submitLabel="Submit scope">
      <ScopeFields s={scope} set={setScope} at={at} prefix="" />
    </ActionForm>
  );
}

function CommercialForm({ path, onView }: FormProps) {
  const { run, at, message, busy } = useAction(path, onView);
  const [c, setC] = useState(blankCommercial);
  return (
    <ActionForm title="Commercial findings" id="commercial" onSubmit={() => void run('commercial', commercialBody(c), 'Commercials recorded.')} busy={busy} message={message} submitLabel="Submit commercials">
      <CommercialFields c={c} set={setC} at={at} prefix="" />
    </ActionForm>
  );
}

function DisqualifyForm({ path, onView }: FormProps) {
  const { run, at, message, busy } = useAction(path, onView);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  return (
    <ActionForm title="Disqualify" id="disqualify" onSubmit={() => void run('disqualify', compact({ reason: reason || undefined, note: text(note) }) ?? {}, 'Lead disqualified.')} busy={busy} message={message} submitLabel="Disqualify lead">
      <SelectField label="Reason (required)" name="reason" value={reason} options={DISQUALIFY_REASONS} blank="— choose —" onChange={setReason} error={at('reason')} />
      <TextField label="Specific note (required)" name="note" multiline value={note} onChange={setNote} error={at('note')} hint="Name the need, the scope and the next step — e.g. “No log access for SIEM; revisit after Q3 migration”." />
    </ActionForm>
  );
}

function EngagementForm({ path, onView }: FormProps) {
  const { run, at, message, busy } = useAction(path, onView);
  const [type, setType] = useState('');
  const [detail, setDetail] = useState('');
  return (
    <ActionForm title="Log engagement" id="engagement" onSubmit={() => void run('engagement', compact({ type: type || undefined, detail: text(detail) }) ?? {}, 'Engagement recorded.')} busy={busy} message={message} submitLabel="Log engagement">
      <SelectField label="What happened (required)" name="type" value={type} options={ENGAGEMENTS} blank="— choose —" onChange={setType} error={at('type')} />
      <TextField label="Detail" name="detail" value={detail} onChange={setDetail} error={at('detail')} />
    </ActionForm>
  );
}

function ReengageForm({ path, onView }: FormProps) {
  const { run, message, busy } = useAction(path, onView);
  return (
    <ActionForm title="Re-engage now" id="reengage" onSubmit={() => void run('reengage', {}, 'Re-engagement started; the lead is routed again.')} busy={busy} message={message} submitLabel="Re-engage now">
      <p>Start a new qualification cycle today instead of waiting for the nurture date.</p>
    </ActionForm>
  );
}

function ReopenForm({ path, onView, reload }: FormProps) {
  const { run, at, message, busy } = useAction(path, onView);
  const [note, setNote] = useState('');
  const submit = async () => {
    if (await run('reopen', compact({ note: text(note) }) ?? {}, 'Reopened: a new cycle starts (fit check, routing, the rep is notified).')) reload();
  };
  return (
    <ActionForm title="Reopen" id="reopen" onSubmit={() => void submit()} busy={busy} message={message} submitLabel="Reopen lead">
      <p>Open this closed lead as a new cycle on the same lead, keeping its earlier outcomes and timeline.</p>
      <TextField label="Note" name="note" multiline value={note} onChange={setNote} error={at('note')} hint="Why it comes back — kept with the new cycle." />
    </ActionForm>
  );
}

/**
 * The forms this user may use on the lead as it stands, by the same lead actions
 * table the API and the workflow enforce; a closed lead says so (and a manager may reopen it).
 */
export function LeadActions({ view, user, ...props }: { view: LeadView; user: SessionUser } & FormProps) {
  const may = (action: LeadActionName) => actionRefusal(action, { stage: view.stage, owner: view.owner }, { role: user.role, repId: user.repId }) === null;
  return (
    <div className="actions">
      {view.stage === 'outcome' && (
        <Notice kind="info">{may('reopen') ? 'This lead is closed: reopen it to work it again.' : 'This lead is closed: nothing more can be recorded on it.'}</Notice>
      )}
      {may('reopen') && <ReopenForm key={`r${view.cycle}`} {...props} />}
      {may('discovery') && <DiscoveryForm key={`d${view.cycle}`} {...props} />}
      {may('scope') && <ScopeForm {...props} />}
      {may('commercial') && <CommercialForm {...props} />}
      {may('reengage') && <ReengageForm {...props} />}
      {may('engagement') && <EngagementForm {...props} />}
      {may('disqualify') && <DisqualifyForm {...props} />}
    </div>
  );
}
