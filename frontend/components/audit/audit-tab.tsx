import type { TabProps } from '../../pages/detail-tabs';
import { AuditCard } from './audit-card';

/** The instance's own audit records. */
export default function AuditTab({ instance }: TabProps) {
  return <AuditCard instanceId={instance.id} />;
}
