import type { CampaignConfig, WorkflowStep } from '@lab/config';
import type { DataFrame } from '@lab/drivers';
import type { ExperimentEntity } from '../persistence/entities';
import type { EventBus } from '../runtime/event-bus';
import { NO_SHIFT, registrationDecision, registrationScanParams, registrationWindow, type ShiftNm, type SquareImage } from './registration';
import type { LocationCorrection, WorkflowExecutor } from './workflow-executor';

type Image = SquareImage & { pixelNm: number };

/**
 * Drift between the overview and the measurements (`candidates.registration`): a reference
 * rescan right after the overview, a rescan every N finished experiments, and the correction the
 * next experiment's locations are sent with. Rescans are journalled commands stored as
 * measurements of their own pseudo-experiment, so a restart replays them instead of scanning again.
 */
export class DriftTracker {
  private state?: { step: WorkflowStep; reference: Image; angleDeg: number; correction: ShiftNm; scans: number };

  constructor(
    private readonly campaignId: string,
    private readonly executor: WorkflowExecutor,
    private readonly events: EventBus,
    /** The rescans' pseudo-experiment: on the setup's sample, stored apart from the setup steps. */
    private readonly row: ExperimentEntity,
  ) {}

  /**
   * The reference rescan; after a restart, the stored one and every rescan stored since, replayed
   * through the same decisions so the correction is what it was.
   */
  async start(config: CampaignConfig, setup: Map<string, { outputs: Record<string, unknown> }>): Promise<void> {
    const spec = config.candidates?.registration;
    if (!spec) return;
    const overview = config.setup.find((s) => s.id === config.candidates?.from.step);
    if (!overview) throw new Error(`registration: no setup step '${config.candidates?.from.step}'`);
    const window = registrationWindow(overview.params, setup.get(overview.id)?.outputs ?? {});
    const step: WorkflowStep = { ...overview, params: registrationScanParams(overview.params, window, spec) };
    const reference = registrationImage(await this.executor.runRegistrationScan(this.row, 0, step, config), spec.channel);
    this.state = { step, reference, angleDeg: window.angleDeg, correction: NO_SHIFT, scans: 1 };
    for (let k = 1; ; k++) {
      const frames = await this.executor.storedRegistrationScan(this.row, k);
      if (!frames) break;
      this.state.scans = k + 1;
      this.decide(config, frames, k, false);
    }
  }

  /** Every N finished experiments: rescan the window and adopt the drift it shows if it moved past the limit. */
  async rescanIfDue(config: CampaignConfig, finished: number): Promise<void> {
    const spec = config.candidates?.registration;
    const state = this.state;
    if (!spec || !state || finished < state.scans * spec.everyExperiments) return;
    const k = state.scans;
    const frames = await this.executor.runRegistrationScan(this.row, k, state.step, config);
    state.scans = k + 1;
    this.decide(config, frames, k, true);
  }

  /** The correction the next experiment's locations are sent with, when the campaign tracks drift. */
  correction(config: CampaignConfig): LocationCorrection | undefined {
    const spec = config.candidates;
    if (!spec?.registration || !this.state) return undefined;
    return { x: spec.parameters.x, y: spec.parameters.y, ...this.state.correction };
  }

  private decide(config: CampaignConfig, frames: DataFrame[], k: number, announce: boolean): void {
    const spec = config.candidates?.registration;
    const state = this.state;
    if (!spec || !state) return;
    const { reference } = state;
    const decision = registrationDecision(reference, registrationImage(frames, spec.channel), {
      pixelNm: reference.pixelNm,
      angleDeg: state.angleDeg,
      limitNm: spec.limitNm,
      inUse: state.correction,
    });
    state.correction = decision.correction;
    if (!announce) return;
    const dxNm = Math.round(decision.estimate.dxNm * 10) / 10;
    const dyNm = Math.round(decision.estimate.dyNm * 10) / 10;
    if (decision.untrusted) {
      this.events.publish('alert', { level: 'warning', code: 'registration_untrusted', message: `registration rescan ${k}: ${decision.untrusted}; the correction in use stays`, dxNm, dyNm }, this.campaignId);
    } else if (decision.adopted) {
      this.events.publish('alert', { level: 'info', code: 'reregistered', message: `drift re-registered (rescan ${k}): locations are sent shifted by (${dxNm}, ${dyNm}) nm`, dxNm, dyNm }, this.campaignId);
    }
  }
}

/** The compared channel of a registration rescan as a square image with its pixel size. */
function registrationImage(frames: DataFrame[], channel: string): Image {
  const frame = frames.find((f) => f.header.kind === 'image' && f.header.channel === channel);
  const [rows, cols] = frame?.header.shape ?? [];
  if (!frame || rows === undefined || rows !== cols || !frame.header.pixelSizeNm) throw new Error(`registration: the rescan gave no square '${channel}' image`);
  return { values: frame.values, pixels: rows, pixelNm: frame.header.pixelSizeNm };
}
