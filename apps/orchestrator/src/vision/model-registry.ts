import { readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { VisionTask } from '../../../../vision/src';
import { packageRoot } from '../package-root';
import { type LoadedModel, loadModel } from './model-loader';
import { ModelLoadError } from './vision-errors';

/** The committed models' directory. */
export const BUILTIN_MODELS_DIR = join(packageRoot(), 'models');

/** Committed models used when nothing else is configured. */
export const BUILTIN_DEFAULTS: Record<VisionTask, string> = { atoms: 'stem-atoms-v1', domains: 'pfm-domains-v1' };

/** Where to find models: card paths by name, and the default per task. */
export interface RegistrySources {
  /** Card files by model name. */
  cards: Record<string, string>;
  defaults: Record<VisionTask, string>;
}

/** Card paths of the committed models in a directory, by the name inside each card. */
export function builtinCards(dir = BUILTIN_MODELS_DIR): Record<string, string> {
  const cards: Record<string, string> = {};
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.card.json'));
  } catch {
    return cards;
  }
  for (const file of files) {
    const path = join(dir, file);
    try {
      const name: unknown = JSON.parse(readFileSync(path, 'utf8')).name;
      if (typeof name === 'string') cards[name] = path;
    } catch {
      // A broken card is reported when someone asks for it by file; it cannot be listed by name.
    }
  }
  return cards;
}

/**
 * Sources from the lab's `vision` settings: committed models plus the lab's own (relative card
 * paths are resolved against `baseDir`, the lab file's directory); a lab model may reuse a
 * committed model's name to replace it.
 */
export function registrySources(config: { models: Array<{ name: string; card: string }>; defaults: Partial<Record<VisionTask, string>> }, baseDir: string): RegistrySources {
  const cards = builtinCards();
  for (const model of config.models) cards[model.name] = isAbsolute(model.card) ? model.card : resolve(baseDir, model.card);
  return { cards, defaults: { ...BUILTIN_DEFAULTS, ...config.defaults } };
}

/** Loads each model once (card, hash and graph checked) and remembers it. */
export class ModelRegistry {
  private readonly loaded = new Map<string, Promise<LoadedModel>>();

  constructor(readonly sources: RegistrySources = registrySources({ models: [], defaults: {} }, process.cwd())) {}

  /** Model names this registry knows. */
  names(): string[] {
    return Object.keys(this.sources.cards).sort();
  }

  /** A model by name, loaded once (card, hash and graph checked). */
  load(name: string): Promise<LoadedModel> {
    const card = this.sources.cards[name];
    if (!card) return Promise.reject(new ModelLoadError(`no model named '${name}' (known: ${this.names().join(', ') || 'none'})`));
    let model = this.loaded.get(name);
    if (!model) {
      model = loadModel(card);
      // A failed load is not remembered, so fixing the file and asking again works.
      model.catch(() => this.loaded.delete(name));
      this.loaded.set(name, model);
    }
    return model;
  }

  /** The model for a request: by name, else the task's default. Checks that it does that task. */
  async get(name: string | undefined, task: VisionTask): Promise<LoadedModel> {
    const chosen = name ?? this.sources.defaults[task];
    const loaded = await this.load(chosen);
    if (loaded.card.task !== task) throw new ModelLoadError(`model '${chosen}' segments ${loaded.card.task}, not ${task}`);
    return loaded;
  }
}
