import type { CampaignConfig } from '@lab/config';
import type { ParameterSpec, PlannerConfig } from '@lab/planners';

/** The planner's view of a campaign: its space, objectives, seed and options. */
export function plannerConfigOf(campaign: CampaignConfig, seed: number): PlannerConfig {
  return {
    kind: campaign.planner.kind,
    seed,
    options: campaign.planner.options,
    objectives: campaign.objectives.map((o) => ({ name: o.name, direction: o.direction, target: o.target })),
    space: {
      parameters: campaign.parameters.map((p): ParameterSpec => {
        switch (p.type) {
          case 'continuous': return { name: p.name, type: 'continuous', lower: p.lower, upper: p.upper, scale: p.scale };
          case 'integer': return { name: p.name, type: 'integer', lower: p.lower, upper: p.upper };
          case 'ordinal': return { name: p.name, type: 'ordinal', values: p.values };
          case 'categorical': return { name: p.name, type: 'categorical', values: p.values };
        }
      }),
      constraints: campaign.constraints,
    },
  };
}
