/**
 * Where the module's own checks raise and clear alerts that are not metric thresholds (a failed
 * restore drill, a failed scheduled backup). The alert service implements it; an alert fires once
 * per instance and rule until it is resolved.
 */
export interface AlertSink {
  raise(instanceId: number, rule: string, severity: 'warning' | 'critical', message: string, value?: number): Promise<void>;
  resolve(instanceId: number, rule: string, message: string): Promise<void>;
}
