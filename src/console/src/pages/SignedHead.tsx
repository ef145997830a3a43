import { useQuery } from '@tanstack/react-query';
import { teamPath } from '../api/client';

/**
 * "Save signed head": shown only when this server has signed chain heads
 * (`GET …/audit-events/head` answers); otherwise nothing is offered.
 */
export function SaveSignedHead({ team }: { team: string }) {
  const url = teamPath(team, 'audit-events/head');
  const head = useQuery({
    queryKey: ['audit-head', team],
    queryFn: async () => {
      const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      return res.ok ? await res.blob() : null;
    },
    retry: false,
    staleTime: 0,
  });
  if (!head.data) return null;
  async function save() {
    const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!res.ok) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await res.blob());
    link.download = `audit-head-${team}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }
  return (
    <button type="button" className="secondary" onClick={() => void save()}>
      Save signed head
    </button>
  );
}
