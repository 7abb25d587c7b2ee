import { z } from 'zod';
import { campaignSchema } from './campaign.schema';
import { labSchema } from './lab.schema';

/** JSON Schemas for editors, derived from the zod schemas (the one source of truth). */
export function jsonSchemas(): Record<'campaign' | 'lab', unknown> {
  const options = { io: 'input', unrepresentable: 'any' } as const;
  return {
    campaign: { title: 'Campaign file', ...z.toJSONSchema(campaignSchema, options) },
    lab: { title: 'Lab file', ...z.toJSONSchema(labSchema, options) },
  };
}
