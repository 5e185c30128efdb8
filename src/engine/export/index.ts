/**
 * Export as code (issue 10): the setup the wizard would apply, as a CloudFormation template, a
 * Terraform configuration or an AWS CLI script. Built from the SAME plan (planAll) and the same
 * inspections, so an export and an apply cannot disagree. Reads only: no write call is made.
 *
 *   const r = await exportSetup(ctx, 'terraform');   // { format, text, model, language, fileName }
 *   // VS Code: workspace.openTextDocument({ language: r.language, content: r.text })
 *
 * The pieces, for tests and other callers: planAll(ctx, EXPORT_STEPS) -> readExisting(ctx, plan)
 * -> setupModel(plan, config, existing) (pure) -> renderExport(model, format) (pure).
 */
import { EngineError } from '../errors';
import { planAll, type PlanAllResult } from '../setup';
import { ROLE_MAPPINGS_STEP_ID, roleMappingsStep } from '../setup/roleMappings';
import type { SetupContext } from '../setup/types';
import { renderAwsCli } from './awscli';
import { renderCloudFormation } from './cloudformation';
import { EXPORT_STEPS, readExisting, setupModel, type SetupModel } from './model';
import { renderTerraform, terraformImports } from './terraform';

export {
  EXPORT_STEPS, readExisting, setupModel, parsePolicy, isRef,
  type SetupModel, type ExistingState, type Ref, type Doc, type RoleMappingModel, type MappingRuleModel, type PrincipalTagsModel,
} from './model';
export { renderCloudFormation, CFN_DOMAIN_PATTERN } from './cloudformation';
export { renderTerraform, terraformImports, TF } from './terraform';
export { renderAwsCli, jmespathJson } from './awscli';
export { commentText, hclString, shellQuote, yamlString } from './text';

export const EXPORT_FORMATS = ['cloudformation', 'terraform', 'cli'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export function isExportFormat(s: string): s is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(s);
}

/** Per format: the VS Code language id of an untitled editor, a file name to suggest, a label. */
export const EXPORT_FORMAT_INFO: Readonly<Record<ExportFormat, { language: string; fileName: string; label: string }>> = {
  cloudformation: { language: 'yaml', fileName: 'auth0-cognito-setup.yaml', label: 'CloudFormation (YAML)' },
  terraform: { language: 'terraform', fileName: 'auth0-cognito-setup.tf', label: 'Terraform (HCL)' },
  cli: { language: 'shellscript', fileName: 'auth0-cognito-setup.sh', label: 'AWS CLI script (bash)' },
};

/** The model as text in `format` (pure). */
export function renderExport(model: SetupModel, format: ExportFormat): string {
  if (format === 'cloudformation') return renderCloudFormation(model);
  if (format === 'terraform') return renderTerraform(model);
  return renderAwsCli(model);
}

export interface ExportResult {
  format: ExportFormat;
  text: string;
  model: SetupModel;
  /** VS Code language id for the untitled editor. */
  language: string;
  /** A file name to suggest when saving. */
  fileName: string;
  /** Terraform import ids of the resources that exist already (address -> id). */
  imports: Record<string, string>;
}

/**
 * The plan with the "Roles by user" step's review (issue 13) when the config sets roles and the
 * pool exists (for a pool still to be made the step cannot plan: the model takes config.roles).
 * The step is not in SETUP_STEPS yet; once it is (and in EXPORT_STEPS) planAll has it already.
 */
export async function withRolesByUser(ctx: SetupContext, plan: PlanAllResult): Promise<PlanAllResult> {
  if (!ctx.config.roles || plan.reviews.some((r) => (r.inspection.step as string) === ROLE_MAPPINGS_STEP_ID)) return plan;
  if (!plan.outputs.poolId) return plan;
  const r = await roleMappingsStep.review({ ...ctx, outputs: { ...ctx.outputs, ...plan.outputs } });
  return { ...plan, reviews: [...plan.reviews, r] };
}

/**
 * Plans the setup (reads only), reads what exists, and writes it in `format`. Throws an
 * EngineError (the step and its fix) when the setup cannot be planned.
 */
export async function exportSetup(ctx: SetupContext, format: ExportFormat): Promise<ExportResult> {
  if (!isExportFormat(format)) {
    throw new EngineError('INVALID_INPUT', `Unknown export format "${String(format).slice(0, 40)}".`, `Give one of ${EXPORT_FORMATS.join(', ')}.`);
  }
  const plan = await planAll(ctx, EXPORT_STEPS);
  if (!plan.ok) {
    const f = plan.failed;
    throw new EngineError(f?.code ?? 'INVALID_INPUT', `Step "${f?.title ?? '?'}" cannot be planned: ${f?.message ?? 'unknown error'}`, f?.hint ?? 'Run auth0-cognito setup --plan to see why.');
  }
  const full = await withRolesByUser(ctx, plan);
  const existing = await readExisting(ctx, full);
  const model = setupModel(full, ctx.config, existing);
  const info = EXPORT_FORMAT_INFO[format];
  return { format, text: renderExport(model, format), model, language: info.language, fileName: info.fileName, imports: terraformImports(model) };
}
