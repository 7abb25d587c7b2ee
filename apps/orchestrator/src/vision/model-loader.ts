import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { TiledModelSpec } from '../../../../vision/src';
import { type ModelCard, parseModelCard, tiledSpecOf } from './model-card';
import { openSession, runNchw } from './onnx-session';
import { ModelLoadError } from './vision-errors';

/** A model whose card, file and graph agree: what the worker pool and provenance need. */
export interface LoadedModel {
  card: ModelCard;
  cardPath: string;
  modelPath: string;
  /** sha256 of the ONNX file (equal to the card's). */
  sha256: string;
  spec: TiledModelSpec;
}

/**
 * Load a model from its card: validate the card (zod), check the ONNX file's sha256 against it,
 * open the graph and check its input and output (names, float32, rank 4, channels, classes, fixed
 * sizes), then run one small frame to check the output has one value per class and pixel. Every
 * mismatch is a ModelLoadError that names the card, the model and what differs.
 */
export async function loadModel(cardPath: string): Promise<LoadedModel> {
  const absoluteCard = resolve(cardPath);
  const card = parseModelCard(await readText(absoluteCard), cardPath);
  const modelPath = resolve(dirname(absoluteCard), card.file);
  const fail = (what: string): never => {
    throw new ModelLoadError(`model '${card.name}' (${cardPath} -> ${card.file}): ${what}`);
  };
  let bytes: Buffer;
  try {
    bytes = await readFile(modelPath);
  } catch (error) {
    return fail(`cannot read the ONNX file: ${(error as Error).message}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== card.sha256) fail(`sha256 of the file is ${sha256}, the card says ${card.sha256}`);
  let session: ort.InferenceSession;
  try {
    session = await openSession(modelPath, { intraOpThreads: 1 });
  } catch (error) {
    return fail(`ONNX Runtime cannot open it: ${(error as Error).message.split('\n')[0]}`);
  }
  try {
    const problems = checkSignature(session, card);
    if (problems.length > 0) fail(problems.join('; '));
    await checkOutputShape(session, card, fail);
  } finally {
    await session.release();
  }
  return { card, cardPath: absoluteCard, modelPath, sha256, spec: tiledSpecOf(card) };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ModelLoadError(`cannot read model card ${path}: ${(error as Error).message}`);
  }
}

const describeShape = (shape: ReadonlyArray<number | string>): string => `[${shape.join(', ')}]`;

/** Compare the graph's declared input and output with the card; one message per mismatch. */
function checkSignature(session: ort.InferenceSession, card: ModelCard): string[] {
  const problems: string[] = [];
  if (session.inputNames.length !== 1) problems.push(`the graph has ${session.inputNames.length} inputs (${session.inputNames.join(', ')}), expected one`);
  if (!session.inputNames.includes(card.input.name)) problems.push(`input '${card.input.name}' from the card is not in the graph (inputs: ${session.inputNames.join(', ')})`);
  if (!session.outputNames.includes(card.output.name)) problems.push(`output '${card.output.name}' from the card is not in the graph (outputs: ${session.outputNames.join(', ')})`);
  if (problems.length > 0) return problems;
  const input = session.inputMetadata.find((m) => m.name === card.input.name);
  const output = session.outputMetadata.find((m) => m.name === card.output.name);
  if (!input?.isTensor || !output?.isTensor) return [`input and output must be tensors`];
  if (input.type !== 'float32') problems.push(`input '${input.name}' is ${input.type}, expected float32`);
  if (output.type !== 'float32') problems.push(`output '${output.name}' is ${output.type}, expected float32`);
  const fixedOrDynamic = (dim: number | string, expected: number | null, what: string): void => {
    if (expected === null && typeof dim === 'number') problems.push(`${what} is fixed at ${dim} px but the card says any size (null)`);
    if (expected !== null && typeof dim === 'number' && dim !== expected) problems.push(`${what} is ${dim} px, the card says ${expected}`);
  };
  if (input.shape.length !== 4) {
    problems.push(`input '${input.name}' has shape ${describeShape(input.shape)}, expected [batch, ${card.input.channels}, height, width]`);
  } else {
    if (typeof input.shape[1] === 'number' && input.shape[1] !== card.input.channels) problems.push(`input '${input.name}' has ${input.shape[1]} channels, the card says ${card.input.channels}`);
    fixedOrDynamic(input.shape[2], card.input.heightPx, `input '${input.name}' height`);
    fixedOrDynamic(input.shape[3], card.input.widthPx, `input '${input.name}' width`);
  }
  const classes = card.output.classes.length;
  if (output.shape.length !== 4) {
    problems.push(`output '${output.name}' has shape ${describeShape(output.shape)}, expected [batch, ${classes}, height, width]`);
  } else if (typeof output.shape[1] === 'number' && output.shape[1] !== classes) {
    problems.push(`output '${output.name}' has ${output.shape[1]} channels but the card lists ${classes} classes (${card.output.classes.join(', ')})`);
  }
  return problems;
}

/** Run a zero frame and check the output is batch x classes x height x width of the input. */
async function checkOutputShape(session: ort.InferenceSession, card: ModelCard, fail: (what: string) => never): Promise<void> {
  const side = card.input.heightPx ?? Math.max(card.input.multipleOfPx, Math.ceil(64 / card.input.multipleOfPx) * card.input.multipleOfPx);
  const dims = [1, 1, side, side];
  let values: Float32Array;
  try {
    values = await runNchw(session, card.input.name, card.output.name, new Float32Array(side * side), dims);
  } catch (error) {
    return fail(`a test run on a ${side} x ${side} frame failed: ${(error as Error).message.split('\n')[0]}`);
  }
  const expected = card.output.classes.length * side * side;
  if (values.length !== expected) {
    fail(`a ${side} x ${side} frame gave ${values.length} output values, expected ${card.output.classes.length} x ${side} x ${side} = ${expected} (one per class and pixel)`);
  }
  if (!values.every(Number.isFinite)) fail(`a ${side} x ${side} zero frame gave non-finite outputs`);
}
