import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from './model-loader';
import { BUILTIN_DEFAULTS, builtinCards, ModelRegistry } from './model-registry';
import { ModelCardError, ModelLoadError } from './vision-errors';

const FIXTURES = join(__dirname, 'testing', 'fixtures');
const dir = mkdtempSync(join(tmpdir(), 'vision-cards-'));
const sha256Of = (file: string): string => createHash('sha256').update(readFileSync(join(FIXTURES, file))).digest('hex');

/** A card for a fixture graph, with fields overridden per test. */
function writeCard(name: string, file: string, patch: Record<string, unknown> = {}, input: Record<string, unknown> = {}, output: Record<string, unknown> = {}): string {
  const card = {
    schema: 'lab.vision.model-card/v1',
    name,
    task: 'atoms',
    file: join(FIXTURES, file),
    sha256: sha256Of(file),
    input: { name: 'image', channels: 1, heightPx: null, widthPx: null, multipleOfPx: 1, normalization: { kind: 'zscore' }, ...input },
    output: { name: 'logits', activation: 'logits', classes: ['background', 'species_a', 'species_b', 'vacancy'], ...output },
    ...patch,
  };
  const path = join(dir, `${name}.card.json`);
  writeFileSync(path, JSON.stringify(card));
  return path;
}

describe('loadModel', () => {
  it('loads a well-formed model and derives its tiling from the card', async () => {
    const model = await loadModel(writeCard('good', 'tiny-atoms.onnx'));
    expect(model.sha256).toBe(sha256Of('tiny-atoms.onnx'));
    expect(model.spec).toMatchObject({ classes: ['background', 'species_a', 'species_b', 'vacancy'], outputs: 'logits', multipleOfPx: 1, tilePx: 512 });
  });

  it('rejects a card that is not JSON, naming the file', async () => {
    const path = join(dir, 'broken.card.json');
    writeFileSync(path, '{ "name": ');
    await expect(loadModel(path)).rejects.toThrow(ModelCardError);
    await expect(loadModel(path)).rejects.toThrow(/broken\.card\.json: not valid JSON/);
  });

  it('names every invalid card field', async () => {
    const error = (await loadModel(writeCard('bad-fields', 'tiny-atoms.onnx', { sha256: 'abc' }, { channels: 3 })).then(() => undefined, (e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ModelCardError);
    expect(error.message).toMatch(/bad-fields\.card\.json: invalid model card: sha256: 64 lower-case hex digits; input\.channels: /);
    await expect(loadModel(writeCard('bad-classes', 'tiny-atoms.onnx', {}, {}, { classes: ['background', 'atom'] }))).rejects.toThrow(
      /output\.classes: 'atoms' models must output the classes \[background, species_a, species_b, vacancy\] in that order/,
    );
  });

  it('refuses a file whose hash differs from the card', async () => {
    const path = writeCard('tampered', 'tiny-atoms.onnx', { sha256: '0'.repeat(64) });
    await expect(loadModel(path)).rejects.toThrow(/sha256 of the file is [0-9a-f]{64}, the card says 0{64}/);
  });

  it('names an output channel count that does not match the classes', async () => {
    const path = writeCard('three', 'three-classes.onnx');
    await expect(loadModel(path)).rejects.toThrow(ModelLoadError);
    await expect(loadModel(path)).rejects.toThrow(/output 'logits' has 3 channels but the card lists 4 classes \(background, species_a, species_b, vacancy\)/);
  });

  it('catches a model whose output is not one value per pixel', async () => {
    await expect(loadModel(writeCard('half', 'half-resolution.onnx'))).rejects.toThrow(/gave 4096 output values, expected 4 x 64 x 64 = 16384 \(one per class and pixel\)/);
  });

  it('checks fixed input sizes against the card', async () => {
    await expect(loadModel(writeCard('fixed-as-any', 'fixed-64.onnx'))).rejects.toThrow(/input 'image' height is fixed at 64 px but the card says any size/);
    const fixed = await loadModel(writeCard('fixed', 'fixed-64.onnx', {}, { heightPx: 64, widthPx: 64 }));
    expect(fixed.spec).toMatchObject({ fixedInputPx: 64, tilePx: 64 });
    await expect(loadModel(writeCard('fixed-wrong', 'fixed-64.onnx', {}, { heightPx: 128, widthPx: 128 }))).rejects.toThrow(/height is 64 px, the card says 128/);
  });

  it('names inputs and outputs the graph does not have', async () => {
    await expect(loadModel(writeCard('names', 'tiny-atoms.onnx', {}, { name: 'frame' }, { name: 'probs' }))).rejects.toThrow(
      /input 'frame' from the card is not in the graph \(inputs: image\); output 'probs' from the card is not in the graph \(outputs: logits\)/,
    );
  });

  it('reports a missing ONNX file', async () => {
    const path = writeCard('missing', 'tiny-atoms.onnx', { file: join(dir, 'nowhere.onnx') });
    await expect(loadModel(path)).rejects.toThrow(/cannot read the ONNX file/);
  });
});

describe('model registry', () => {
  it('lists the committed models and loads each default', async () => {
    const registry = new ModelRegistry();
    expect(Object.keys(builtinCards())).toEqual(expect.arrayContaining(Object.values(BUILTIN_DEFAULTS)));
    const atoms = await registry.get(undefined, 'atoms');
    expect(atoms.card.name).toBe(BUILTIN_DEFAULTS.atoms);
    expect((await registry.get(undefined, 'domains')).card.task).toBe('domains');
    await expect(registry.get(BUILTIN_DEFAULTS.atoms, 'domains')).rejects.toThrow(/segments atoms, not domains/);
    await expect(registry.get('nope', 'atoms')).rejects.toThrow(/no model named 'nope' \(known: .*stem-atoms-v1/);
  });
});
