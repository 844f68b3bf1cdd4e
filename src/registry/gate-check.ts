/**
 * `setAlias(..., { requireGate })`: a promotion passes only when the version's stored
 * evaluation passes the Evaluator's gate. The evaluator is imported on first use, so
 * registries that never gate do not load it.
 *
 * @module
 */
import { MlopsError, isMlopsError } from '../errors';
import type { GateRules } from '../evaluator/index';
import type { VersionRecord } from '../storage/contracts';

function refuse(record: VersionRecord, message: string, reasons: string[], cause?: unknown): MlopsError {
  return new MlopsError('REGISTRY_GATE_FAILED', message, { details: { name: record.name, version: record.version, reasons }, ...(cause !== undefined && { cause }) });
}

/**
 * Throws `REGISTRY_GATE_FAILED` unless `evaluation` (the artifact's stored
 * `manifest.evaluation`, an `EvaluationReport` in its JSON form) passes `rules`.
 * Rules the report cannot be checked against (an unknown metric) throw `GATE_INVALID`.
 */
export async function checkGate(record: VersionRecord, evaluation: unknown, rules: GateRules): Promise<void> {
  const where = `${record.name}/${record.version}`;
  if (evaluation === undefined || evaluation === null) {
    throw refuse(
      record,
      `${where} carries no evaluation, so the promotion gate cannot pass. Evaluate the model and create the artifact with its report (ModelArtifact.create(model, { evaluation: report })), then register it.`,
      ['no stored evaluation'],
    );
  }
  const { EvaluationReport, gate } = await import('../evaluator/index');
  let report: InstanceType<typeof EvaluationReport>;
  try {
    report = EvaluationReport.fromJSON(evaluation);
  } catch (err) {
    if (!isMlopsError(err, 'REPORT_INVALID')) throw err;
    throw refuse(record, `The evaluation stored with ${where} is not a readable EvaluationReport (${err.message}), so the promotion gate cannot pass.`, ['unreadable stored evaluation'], err);
  }
  const verdict = gate(report, rules);
  if (!verdict.passed) {
    throw refuse(record, `${where} fails the promotion gate: ${verdict.reasons.join(' ')} The alias was not moved.`, verdict.reasons);
  }
}
