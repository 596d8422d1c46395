/** Every switch of the policy source (page ↔ repository), who made it and when: on Policy source and History. */
import DynamicTable from './table';
import type { PolicySource, SwitchRecord } from '../../src/settings/api';
import { Person } from './people';

export const describeSource = (source: PolicySource): string =>
  source.kind === 'page' ? 'this settings page' : `${source.repository.fullName}: ${source.path} on ${source.branch}`;

export function SourceSwitches({ switches }: { switches: readonly SwitchRecord[] }) {
  return (
    <section className="card" aria-label="Policy source changes">
      <DynamicTable
        caption="Policy source changes, newest first"
        head={{
          cells: [
            { key: 'at', content: 'When' },
            { key: 'by', content: 'By' },
            { key: 'from', content: 'From' },
            { key: 'to', content: 'To' },
          ],
        }}
        rows={switches.map((entry, index) => ({
          key: `${entry.at}-${index}`,
          cells: [
            { key: 'at', content: new Date(entry.at).toLocaleString() },
            { key: 'by', content: <Person accountId={entry.by} /> },
            { key: 'from', content: describeSource(entry.from) },
            { key: 'to', content: describeSource(entry.to) },
          ],
        }))}
        emptyView={<p>The policy source has never been changed: the policy is kept on this page.</p>}
      />
    </section>
  );
}
