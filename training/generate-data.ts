import { createWriteStream, mkdirSync, type WriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawPfmConditions, drawStemConditions, noiseSeedOf, type PfmConditions, renderLabelledPfm, renderLabelledStem, type StemConditions } from './twin/labelled-frames';

/**
 * Render labelled twin frames for training: `<task>-images.f32` (float32, frames x pixels x pixels),
 * `<task>-masks.u8` (class per pixel) and `<task>-index.json` (shapes and the conditions of every
 * frame). Frame i uses seed firstSeed + i for its conditions and a derived seed for its noise, so a
 * data set is reproducible from (task, frames, pixels, firstSeed).
 *
 *   node <build>/training/generate-data.js --task stem --frames 3000 --pixels 144 --first-seed 1000 --out /tmp/vision-data
 */
interface Args {
  task: 'stem' | 'pfm';
  frames: number;
  pixels: number;
  firstSeed: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string, fallback?: string): string => {
    const i = argv.indexOf(`--${name}`);
    const v = i >= 0 ? argv[i + 1] : fallback;
    if (v === undefined) throw new Error(`missing --${name}`);
    return v;
  };
  const task = value('task');
  if (task !== 'stem' && task !== 'pfm') throw new Error(`--task must be stem or pfm, not ${task}`);
  return { task, frames: Number(value('frames')), pixels: Number(value('pixels', '144')), firstSeed: Number(value('first-seed', '1000')), out: value('out') };
}

/** Write bytes, waiting for the stream to drain when it asks to, so a large set never sits in memory. */
async function write(stream: WriteStream, values: Float32Array | Uint8Array): Promise<void> {
  if (!stream.write(Buffer.from(values.buffer, values.byteOffset, values.byteLength))) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  mkdirSync(args.out, { recursive: true });
  const images = createWriteStream(join(args.out, `${args.task}-images.f32`));
  const masks = createWriteStream(join(args.out, `${args.task}-masks.u8`));
  const conditions: Array<StemConditions | PfmConditions> = [];
  const started = Date.now();
  for (let i = 0; i < args.frames; i++) {
    const seed = args.firstSeed + i;
    let frame;
    if (args.task === 'stem') {
      const c = drawStemConditions(seed, args.pixels);
      frame = renderLabelledStem(c, noiseSeedOf(seed));
      conditions.push(c);
    } else {
      const c = drawPfmConditions(seed, args.pixels);
      frame = renderLabelledPfm(c, noiseSeedOf(seed));
      conditions.push(c);
    }
    await write(images, frame.image);
    await write(masks, frame.mask);
  }
  await Promise.all([images, masks].map((stream) => new Promise<void>((resolve) => stream.end(() => resolve()))));
  writeFileSync(join(args.out, `${args.task}-index.json`), JSON.stringify({ task: args.task, frames: args.frames, pixels: args.pixels, firstSeed: args.firstSeed, conditions }, null, 1));
  process.stdout.write(`${args.task}: ${args.frames} frames of ${args.pixels} px in ${((Date.now() - started) / 1000).toFixed(1)} s -> ${args.out}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
